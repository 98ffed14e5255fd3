import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The chat and notice stores through their services, on both backends: what the server tests check over HTTP on
/// SQLite, here also on PostgreSQL, with concurrent retries that a single SQLite writer never interleaves.
@Suite struct ChatNoticeStoreTests {
    static let account = AccountID(rawValue: "A1")!

    struct People {
        var director: Principal
        var mia: Principal
        var ville: Principal
        var miaID: PersonID { mia.person!.id }
        var villeID: PersonID { ville.person!.id }
        var directorID: PersonID { director.person!.id }
    }

    /// Channel A1 directed by Jaana Järvinen, with Mia Mäkinen (instructor) and Ville Öhman (supervisor).
    private func channel(_ t: TestInstallation) async throws -> People {
        try await t.account("A1", "Östra kiinteistö Ab")
        let director = try await t.person("jaana@example.fi", "Jaana Järvinen")
        let mia = try await t.person("mia@example.fi", "Mia Mäkinen")
        let ville = try await t.person("ville@example.fi", "Ville Öhman")
        try await t.member("A1", "jaana@example.fi", .accountDirector)
        try await t.member("A1", "mia@example.fi", .instructor)
        try await t.member("A1", "ville@example.fi", .supervisor)
        return People(director: .person(director), mia: .person(mia), ville: .person(ville))
    }

    // MARK: - Chat

    @Test(arguments: Backend.all) func messagesAreSentRepliedToEditedDeletedAndPaged(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await channel(t)
            let chat = t.kanava.chat
            let first = try await chat.send(Self.account, MessageDraft(clientId: "c-1", body: "Huomenta @Jaana Järvinen ja @Ville Öhman"), by: p.mia)
            #expect(!first.duplicate)
            #expect(first.seq != nil)
            #expect(first.message.author?.name == "Mia Mäkinen")
            #expect(Set(first.message.mentions.map(\.id)) == [p.directorID, p.villeID])
            // A retry stores nothing new; the same client id for another text is refused.
            let retry = try await chat.send(Self.account, MessageDraft(clientId: "c-1", body: "Huomenta @Jaana Järvinen ja @Ville Öhman"), by: p.mia)
            #expect(retry.duplicate)
            #expect(retry.message.id == first.message.id)
            #expect(retry.seq == nil)
            await #expect(throws: KanavaError.self) {
                try await chat.send(Self.account, MessageDraft(clientId: "c-1", body: "Toinen teksti"), by: p.mia)
            }
            // Another person's same client id is their own.
            #expect(try await chat.send(Self.account, MessageDraft(clientId: "c-1", body: "Huomenta"), by: p.ville).duplicate == false)

            // Replies: the root counts them; the thread holds root and replies, the channel only roots.
            let reply = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Vastaus", threadRoot: first.message.id), by: p.ville).message
            let second = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Toinen vastaus", threadRoot: reply.id), by: p.director).message
            #expect(second.threadRoot == first.message.id, "a reply to a reply joins the root's thread")
            var root = try #require(try await t.store.message(first.message.id, in: Self.account))
            #expect(root.replyCount == 2)
            #expect(root.lastReplyAt == t.clock.now())
            let thread = try await chat.history(Self.account, .thread(first.message.id), before: nil, limit: 50, for: p.mia).messages
            #expect(thread.map(\.id) == [first.message.id, reply.id, second.id])
            let channel = try await chat.history(Self.account, .channel, before: nil, limit: 50, for: p.mia).messages
            #expect(channel.map(\.body) == ["Huomenta @Jaana Järvinen ja @Ville Öhman", "Huomenta"])

            // Editing keeps the old text for the director; mentions follow the new text.
            t.clock.advance(by: 60)
            let edited = try await chat.edit(Self.account, first.message.id, body: "Huomenta @Ville Öhman", by: p.mia)
            #expect(edited.body == "Huomenta @Ville Öhman")
            #expect(edited.editedAt == t.clock.now())
            #expect(edited.mentions.map(\.id) == [p.villeID])
            _ = try await chat.edit(Self.account, first.message.id, body: "Huomenta kaikille", by: p.mia)
            let history = try await chat.edits(Self.account, first.message.id, for: p.director)
            #expect(history.edits.map(\.body) == ["Huomenta @Jaana Järvinen ja @Ville Öhman", "Huomenta @Ville Öhman"])
            #expect(history.edits.allSatisfy { $0.replacedBy?.id == p.miaID && $0.replacedAt == t.clock.now() })
            #expect(history.message.mentions.isEmpty)
            await #expect(throws: KanavaError.self) { try await chat.edit(Self.account, first.message.id, body: "Ei", by: p.ville) }

            // Deleting a reply takes it off the root's count; the text is kept for the director only.
            try await chat.delete(Self.account, reply.id, by: p.ville)
            root = try #require(try await t.store.message(first.message.id, in: Self.account))
            #expect(root.replyCount == 1)
            let seen = try await chat.history(Self.account, .thread(first.message.id), before: nil, limit: 50, for: p.mia).messages
            #expect(seen.first { $0.id == reply.id }?.body == nil)
            #expect(seen.first { $0.id == reply.id }?.deletedAt == t.clock.now())
            let kept = try await t.store.message(reply.id, in: Self.account)
            #expect(kept?.body == "Vastaus")
            await #expect(throws: KanavaError.self) { try await chat.delete(Self.account, reply.id, by: p.director) }
            #expect(try await t.store.message(reply.id, in: AccountID(rawValue: "B2")!) == nil)

            // Pages, newest first, each oldest first.
            for index in 1...5 { _ = try await chat.send(Self.account, MessageDraft(clientId: "p-\(index)", body: "Viesti \(index)"), by: p.ville) }
            let newest = try await chat.history(Self.account, .channel, before: nil, limit: 3, for: p.mia)
            #expect(newest.messages.map(\.body) == ["Viesti 3", "Viesti 4", "Viesti 5"])
            #expect(newest.hasMore)
            let older = try await chat.history(Self.account, .channel, before: newest.messages.first?.id, limit: 3, for: p.mia)
            #expect(older.messages.map(\.body) == ["Huomenta", "Viesti 1", "Viesti 2"])
            #expect(older.hasMore)
            let oldest = try await chat.history(Self.account, .channel, before: older.messages.first?.id, limit: 3, for: p.mia)
            #expect(oldest.messages.map(\.body) == ["Huomenta kaikille"])
            #expect(!oldest.hasMore)
        }
    }

    @Test(arguments: Backend.all) func conversationsWithTheDirectorAndUnreadCounts(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await channel(t)
            let chat = t.kanava.chat
            let open = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Kaikille"), by: p.mia).message
            t.clock.advance(by: 1)
            let question = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Kysyisin", privateWith: p.miaID), by: p.mia).message
            t.clock.advance(by: 1)
            _ = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Vastaan", threadRoot: question.id), by: p.director)
            t.clock.advance(by: 1)
            _ = try await chat.send(Self.account, MessageDraft(clientId: nil, body: "Minäkin", privateWith: p.villeID), by: p.ville)

            // Most recent first; each member sees only their own.
            let all = try await chat.conversations(Self.account, for: p.director)
            #expect(all.map(\.member.name) == ["Ville Öhman", "Mia Mäkinen"])
            #expect(all.map(\.messageCount) == [1, 2])
            #expect(all.last?.lastMessageAt == t.clock.now().addingTimeInterval(-1))
            #expect(try await chat.conversations(Self.account, for: p.mia).map(\.member.id) == [p.miaID])
            let mine = try await chat.history(Self.account, .conversation(p.miaID), before: nil, limit: 10, for: p.mia).messages
            #expect(mine.map(\.body) == ["Kysyisin", "Vastaan"])
            #expect(try await chat.history(Self.account, .channel, before: nil, limit: 10, for: p.mia).messages.map(\.id) == [open.id])

            // Unread: not one's own, not other members' conversations (the director sees all of them).
            #expect(try await t.store.unreadCounts(for: p.directorID) == [Self.account: 3])
            #expect(try await t.store.unreadCounts(for: p.miaID) == [Self.account: 1])
            #expect(try await t.store.unreadCounts(for: p.villeID) == [Self.account: 1])
            try await chat.markRead(Self.account, upTo: question.id, by: p.director)
            #expect(try await t.store.unreadCounts(for: p.directorID) == [Self.account: 1])
            // The marker never moves back.
            try await chat.markRead(Self.account, upTo: open.id, by: p.director)
            #expect(try await t.store.unreadCounts(for: p.directorID) == [Self.account: 1])
            // A deleted message is not unread.
            let latest = try await chat.history(Self.account, .conversation(p.villeID), before: nil, limit: 1, for: p.director).messages
            try await chat.delete(Self.account, try #require(latest.first).id, by: p.director)
            #expect(try await t.store.unreadCounts(for: p.directorID) == [Self.account: 0])
        }
    }

    @Test(arguments: Backend.all) func concurrentRetriesOfOneSendStoreOneMessage(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await channel(t)
            let chat = t.kanava.chat
            // A person's retries, and a built-in poster's (no person, no bot: no unique index covers it).
            for principal in [p.mia, Principal.system("Vuosikello")] {
                let results = try await withThrowingTaskGroup(of: SendResult.self) { group in
                    for _ in 1...8 { group.addTask { try await chat.send(Self.account, MessageDraft(clientId: "retry", body: "Kerran"), by: principal) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter { !$0.duplicate }.count == 1)
                #expect(Set(results.map(\.message.id)).count == 1)
            }
            let messages = try await chat.history(Self.account, .channel, before: nil, limit: 50, for: p.director).messages
            #expect(messages.count == 2)
            #expect(messages.map(\.authorName) == [nil, "Vuosikello"])
        }
    }

    // MARK: - Notices

    @Test(arguments: Backend.all) func noticesAreBroadcastAcknowledgedFollowedUpAndWithdrawn(_ backend: Backend) async throws {
        try await withInstallation(backend, configure: {
            $0.smtp.host = "127.0.0.1"
            $0.smtp.sender = "kanava@example.fi"
            $0.notices.remindEveryMinutes = 60
            $0.notices.escalateAfterMinutes = 240
        }) { t in
            let p = try await channel(t)
            let notices = t.kanava.notices
            let draft = NoticeDraft(clientId: "n-1", priority: "urgent", title: "Vesikatko", body: "Huomenna **klo 8–10**.", expiresAt: nil)
            let (notice, duplicate) = try await notices.post(Self.account, draft, by: p.director)
            #expect(!duplicate)
            #expect(notice.author?.id == p.directorID)
            let retried = try await notices.post(Self.account, draft, by: p.director)
            #expect(retried.duplicate)
            #expect(retried.notice.id == notice.id)
            let important = try await notices.post(Self.account, NoticeDraft(clientId: nil, priority: "important", title: "Tiedoksi", body: "x", expiresAt: nil),
                                                   by: p.director).notice
            #expect(try await notices.list(Self.account, for: p.mia).map(\.id) == [important.id, notice.id])

            // Both members owe an acknowledgement; the sender does not.
            var status = try await notices.status(Self.account, notice.id, for: p.director)
            #expect(status.pending.map(\.person.name) == ["Mia Mäkinen", "Ville Öhman"])
            #expect(status.acknowledged.isEmpty)
            #expect(try await notices.open(for: p.mia).map(\.id) == [notice.id])
            #expect(try await notices.open(for: p.director).isEmpty)

            t.clock.advance(by: 30)
            let ack = try await notices.acknowledge(Self.account, notice.id, by: p.mia)
            #expect(!ack.alreadyAcknowledged)
            t.clock.advance(by: 30)
            let again = try await notices.acknowledge(Self.account, notice.id, by: p.mia)
            #expect(again.alreadyAcknowledged)
            #expect(again.at == ack.at)
            #expect(try await notices.open(for: p.mia).isEmpty)
            #expect(try await notices.list(Self.account, for: p.mia).first { $0.id == notice.id }?.acknowledgedAt == ack.at)
            status = try await notices.status(Self.account, notice.id, for: p.director)
            #expect(status.acknowledged.map(\.person.id) == [p.miaID])
            #expect(status.pending.map(\.person.id) == [p.villeID])
            #expect(status.rate == 0.5)

            // Follow-up: Ville is reminded by mail after an hour (once), escalated after four.
            #expect(try await t.store.followUpCandidates(at: t.clock.now()).map(\.person.id) == [p.villeID])
            t.clock.advance(by: 3600)
            #expect(try await t.kanava.noticeFollowUp.round().remindedByMail == 1)
            #expect(try await t.kanava.noticeFollowUp.round() == .init())
            let candidate = try #require(try await t.store.followUpCandidates(at: t.clock.now()).first)
            #expect(candidate.reminders == 1)
            #expect(candidate.lastRemindedAt == t.clock.now())
            #expect(candidate.role == .supervisor)
            #expect(candidate.escalatedAt == nil)
            #expect(try await t.store.dueMails(at: t.clock.now(), limit: 10).map(\.mail.recipient) == ["ville@example.fi"])
            t.clock.advance(by: 3 * 3600)
            let escalation = try await t.kanava.noticeFollowUp.round()
            #expect(escalation.escalated == 1)
            #expect(escalation.remindedByMail == 1)
            status = try await notices.status(Self.account, notice.id, for: p.director)
            #expect(status.pending.first?.reminders == 2)
            #expect(status.pending.first?.escalatedAt == t.clock.now())

            // Withdrawn: nothing is owed any more, and it cannot be acknowledged or withdrawn again.
            _ = try await notices.withdraw(Self.account, notice.id, by: p.director)
            #expect(try await notices.open(for: p.ville).isEmpty)
            #expect(try await t.store.followUpCandidates(at: t.clock.now()).isEmpty)
            await #expect(throws: KanavaError.self) { try await notices.acknowledge(Self.account, notice.id, by: p.ville) }
            await #expect(throws: KanavaError.self) { try await notices.withdraw(Self.account, notice.id, by: p.director) }
            #expect(try await notices.acknowledge(Self.account, notice.id, by: p.mia).alreadyAcknowledged)
        }
    }

    @Test(arguments: Backend.all) func concurrentAcknowledgementsAndRetriedPostsCountOnce(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await channel(t)
            let notices = t.kanava.notices
            let draft = NoticeDraft(clientId: "n-2", priority: "urgent", title: "Palohälytys", body: "Testi", expiresAt: nil)
            let posts = try await withThrowingTaskGroup(of: (Notice, Bool).self) { group in
                for _ in 1...6 { group.addTask { let r = try await notices.post(Self.account, draft, by: p.director); return (r.notice, r.duplicate) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(posts.filter { !$0.1 }.count == 1)
            #expect(Set(posts.map(\.0.id)).count == 1)
            let id = try #require(posts.first?.0.id)
            let acks = try await withThrowingTaskGroup(of: AckResult.self) { group in
                for _ in 1...6 { group.addTask { try await notices.acknowledge(Self.account, id, by: p.ville) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(acks.filter { !$0.alreadyAcknowledged }.count == 1)
            #expect(Set(acks.map(\.at)).count == 1)
            let status = try await notices.status(Self.account, id, for: p.director)
            #expect(status.acknowledged.map(\.person.id) == [p.villeID])
            #expect(status.pending.map(\.person.id) == [p.miaID])
        }
    }
}
