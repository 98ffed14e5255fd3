import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Urgent notices end to end: posting, the director's live acknowledgement view, reminders, escalation by city,
/// late joiners, and bad input. Time moves by the installation's manual clock, never by sleeping.
@Suite struct NoticeTests {
    /// A1: director, two supervisors in Tampere and Oulu, regional directors of Tampere and of Oulu.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("ville@example.fi", "Ville Mäkinen")
        try await t.person("eino@example.fi", "Eino Öhman")
        try await t.person("tampere@example.fi", "Aino Tampere")
        try await t.person("oulu@example.fi", "Olli Oulu")
        try await t.person("toinen@example.fi", "Toisen Tili")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("A2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await placed("A1", "ville@example.fi", .supervisor, cities: ["Tampere"], server)
        try await placed("A1", "eino@example.fi", .supervisor, cities: ["Oulu", "Kemi"], server)
        try await placed("A1", "tampere@example.fi", .regionalDirector, cities: ["Tampere"], server)
        try await placed("A1", "oulu@example.fi", .regionalDirector, cities: ["Oulu"], server)
        try await t.member("A2", "toinen@example.fi", .accountDirector)
    }

    /// A member with cities, as the roster would give them.
    private func placed(_ account: String, _ email: String, _ role: ChannelRole, cities: [String], _ server: TestServer) async throws {
        let person = try #require(try await server.kanava.store.person(email: email))
        let membership = Membership(account: try AccountID.parse(account), person: person.id, role: role, source: .roster, cities: cities, joinedAt: server.clock.now())
        let event = try EventDraft(channel: membership.account, kind: .membershipAdded, payload: Member(person: PersonRef(person), membership: membership), subject: person.id)
        server.kanava.bus.publish(try await server.kanava.store.addMember(membership, event: event, at: server.clock.now()).events)
    }

    private func post(_ session: HTTPSession, priority: String = "urgent", title: String = "Vesikatko", account: String = "A1") async throws -> Int {
        let response = try await session.request(.post, "/api/accounts/\(account)/notices",
                                                 json: ["priority": priority, "title": title, "body": "Vesi poikki klo 12–14. **Kuittaa.**"])
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json().value("notice", "id") as? Int)
    }

    @Test func theDirectorSeesAcknowledgementsLiveAndMembersAcknowledgeOnce() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let directorSession = try await server.signedIn("johtaja@example.fi")
            let (directorSocket, _) = try await WSTestClient.connect(port: server.port, cookie: directorSession.cookie)
            _ = try await directorSocket.reply(to: try directorSocket.subscribe([("A1", nil)]))

            let id = try await post(director)
            let ville = try await server.signedIn("ville@example.fi")
            let open = try await ville.get("/api/notices/open").json()
            #expect((open["notices"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Vesikatko"])
            #expect((open["notices"] as? [[String: Any]])?.first?["html"] as? String == "<p>Vesi poikki klo 12–14. <strong>Kuittaa.</strong></p>")
            let accounts = try await ville.get("/api/accounts").json()
            #expect((accounts["accounts"] as? [[String: Any]])?.first { $0["id"] as? String == "A1" }?["openNotices"] as? Int == 1)

            // Ville acknowledges over his socket; the director's socket hears it at once.
            let villeSession = try await server.signedIn("ville@example.fi")
            let (villeSocket, _) = try await WSTestClient.connect(port: server.port, cookie: villeSession.cookie)
            let ack = try await villeSocket.reply(to: try villeSocket.send("ack", ["channel": "A1", "notice": id])).reply
            #expect(ack.value("result", "alreadyAcknowledged") as? Bool == false)
            let live = try await directorSocket.next(where: { $0["kind"] as? String == "notice.acknowledged" })
            #expect(live.match.value("data", "person", "name") as? String == "Ville Mäkinen")
            #expect(live.match.value("data", "acknowledged") as? Int == 1)
            #expect(live.match.value("data", "pending") as? Int == 3)

            let status = try await director.get("/api/accounts/A1/notices/\(id)/status").json()
            #expect((status.value("status", "acknowledged") as? [[String: Any]])?.compactMap { ($0["person"] as? [String: Any])?["name"] as? String } == ["Ville Mäkinen"])
            #expect((status.value("status", "pending") as? [[String: Any]])?.compactMap { ($0["person"] as? [String: Any])?["name"] as? String }
                    == ["Aino Tampere", "Eino Öhman", "Olli Oulu"])
            #expect(status.value("status", "rate") as? Double == 0.25)

            // Twice: the first time is kept, nothing new is published.
            server.clock.advance(by: 60)
            let again = try await ville.request(.post, "/api/accounts/A1/notices/\(id)/ack")
            #expect(try again.json()["alreadyAcknowledged"] as? Bool == true)
            #expect(try again.json()["at"] as? String == ack.value("result", "at") as? String)
            #expect(await directorSocket.isQuiet(for: 0.3))
            #expect(((try await ville.get("/api/notices/open").json()["notices"]) as? [Any])?.isEmpty == true)

            // Members see neither the status nor other people's acknowledgements.
            #expect(try await ville.get("/api/accounts/A1/notices/\(id)/status").status == .forbidden)
            await villeSocket.close()
            await directorSocket.close()
        }
    }

    @Test func onlyTheDirectorOrAnAdminPostsAndBadNoticesAreRefused() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await server.signedIn("ville@example.fi")
            let refused = try await ville.request(.post, "/api/accounts/A1/notices", json: ["priority": "urgent", "title": "x", "body": "y"])
            #expect(refused.status == .forbidden)
            let outsider = try await server.signedIn("toinen@example.fi")
            #expect(try await outsider.request(.post, "/api/accounts/A1/notices", json: ["priority": "urgent", "title": "x", "body": "y"]).status == .notFound)

            let director = try await server.signedIn("johtaja@example.fi")
            let past = ISO8601DateFormatter().string(from: server.clock.now().addingTimeInterval(-60))
            let bad: [([String: Any], String)] = [
                (["priority": "kiire", "title": "x", "body": "y"], "priority"),
                (["priority": "urgent", "title": "  ", "body": "y"], "title"),
                (["priority": "urgent", "title": "x", "body": ""], "body"),
                (["priority": "urgent", "title": "x", "body": "y", "expiresAt": past], "expiresAt"),
                (["priority": "urgent", "title": "x", "body": "y", "expiresAt": "huomenna"], "expiresAt"),
                (["priority": "urgent", "title": String(repeating: "x", count: 201), "body": "y"], "title"),
            ]
            for (body, field) in bad {
                let response = try await director.request(.post, "/api/accounts/A1/notices", json: body)
                #expect(response.status == .badRequest, "\(body)")
                let message = try response.json().value("error", "message") as? String ?? ""
                #expect(message.contains(field), "\(response.text)")
            }
            #expect(((try await director.get("/api/accounts/A1/notices").json()["notices"]) as? [Any])?.isEmpty == true)

            // Acknowledging a notice of another channel, or one that does not exist.
            let toinen = try await server.signedIn("toinen@example.fi")
            let other = try await post(toinen, account: "A2")
            #expect(try await ville.request(.post, "/api/accounts/A1/notices/\(other)/ack").status == .notFound)
            #expect(try await ville.request(.post, "/api/accounts/A1/notices/999/ack").status == .notFound)
            #expect(try await ville.request(.post, "/api/accounts/A1/notices/abc/ack").status == .badRequest)

            // A withdrawn notice can no longer be acknowledged and leaves the banner.
            let id = try await post(director)
            #expect(try await director.request(.post, "/api/accounts/A1/notices/\(id)/withdraw").status == .ok)
            #expect(try await ville.request(.post, "/api/accounts/A1/notices/\(id)/ack").status == .conflict)
            #expect(((try await ville.get("/api/notices/open").json()["notices"]) as? [Any])?.isEmpty == true)
        }
    }

    @Test func remindersGoLiveToConnectedMembersAndByMailToOthersThenEscalateByCity() async throws {
        try await withServer(configure: {
            $0.smtp.host = "127.0.0.1"
            $0.smtp.sender = "kanava@example.fi"
            $0.server.publicUrl = "https://kanava.example.fi"
            $0.notices.remindEveryMinutes = 60
            $0.notices.escalateAfterMinutes = 240
        }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let (directorSocket, _) = try await WSTestClient.connect(port: server.port, cookie: director.cookie)
            _ = try await directorSocket.reply(to: try directorSocket.subscribe([("A1", nil)]))
            let id = try await post(director)
            // Ville is connected; Eino and the regional directors are not. Aino acknowledges at once.
            let villeSession = try await server.signedIn("ville@example.fi")
            let (ville, _) = try await WSTestClient.connect(port: server.port, cookie: villeSession.cookie)
            _ = try await ville.reply(to: try ville.subscribe([("A1", nil)]))
            #expect(try await server.signedIn("tampere@example.fi").request(.post, "/api/accounts/A1/notices/\(id)/ack").status == .ok)
            let followUp = server.kanava.noticeFollowUp

            // Too early for anything.
            server.clock.advance(by: 59 * 60)
            #expect(try await followUp.round() == .init())

            // An hour: reminders.
            server.clock.advance(by: 60)
            let first = try await followUp.round()
            #expect(first.remindedLive == 1)
            #expect(first.remindedByMail == 2)
            let reminder = try await ville.next(where: { $0["kind"] as? String == "notice.reminder" })
            #expect(reminder.match.value("data", "notice") as? Int == id)
            // A day ahead: the server's own mail delivery may already have tried these (there is no SMTP server
            // here) and put them off for a retry.
            let mails = try await server.kanava.store.dueMails(at: server.clock.now() + 86_400, limit: 10)
            #expect(Set(mails.map(\.mail.recipient)) == ["eino@example.fi", "oulu@example.fi"])
            let einoMail = try #require(mails.first { $0.mail.recipient == "eino@example.fi" }?.mail)
            #expect(einoMail.subject == "Kuittaa tiedote: Vesikatko")
            #expect(einoMail.text.contains("https://kanava.example.fi/#/accounts/A1/notices/\(id)"))
            #expect(einoMail.html?.contains("<strong>Kuittaa.</strong>") == true)
            // The same round again does nothing: what was done is recorded.
            #expect(try await followUp.round() == .init())

            // Four hours: escalation, each member to the regional director of their city; the director is told.
            server.clock.advance(by: 3 * 3600)
            let escalation = try await followUp.round()
            #expect(escalation.escalated == 3)
            let escalated = try await directorSocket.next(where: { $0["kind"] as? String == "notice.escalated" })
            let routes = try #require(escalated.match.value("data", "escalations") as? [[String: Any]])
            let byDirector = Dictionary(uniqueKeysWithValues: routes.map {
                (($0["regionalDirector"] as? [String: Any])?["name"] as? String ?? "", ($0["people"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [])
            })
            #expect(byDirector == ["Aino Tampere": ["Ville Mäkinen"], "Olli Oulu": ["Eino Öhman"]])
            // Olli (Oulu) owes an acknowledgement himself and no regional director covers Oulu but him: unrouted.
            #expect((escalated.match.value("data", "unrouted") as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Olli Oulu"])
            let escalationMails = try await server.kanava.store.dueMails(at: server.clock.now() + 86_400, limit: 50).filter { $0.mail.purpose == "notice.escalation" }
            #expect(Set(escalationMails.map(\.mail.recipient)) == ["tampere@example.fi", "oulu@example.fi", "johtaja@example.fi"])
            let status = try await director.get("/api/accounts/A1/notices/\(id)/status").json()
            #expect((status.value("status", "pending") as? [[String: Any]])?.allSatisfy { $0["escalatedAt"] != nil } == true)

            // Escalation happens once; reminders go on.
            let later = try await followUp.round()
            #expect(later.escalated == 0)
            await ville.close()
            await directorSocket.close()
        }
    }

    @Test func aMemberWhoJoinsWhileANoticeIsInForceOwesAnAcknowledgementFromTheirJoining() async throws {
        try await withServer(configure: { $0.notices.escalateAfterMinutes = 60; $0.notices.remindEveryMinutes = 1_000 }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let id = try await post(director)
            let expired = try await director.request(.post, "/api/accounts/A1/notices", json: [
                "priority": "urgent", "title": "Vanhenee", "body": "x",
                "expiresAt": ISO8601DateFormatter().string(from: server.clock.now().addingTimeInterval(600)),
            ])
            #expect(expired.status == .created)

            server.clock.advance(by: 50 * 60)
            try await server.installation.person("uusi@example.fi", "Uusi Esimies")
            try await server.installation.member("A1", "uusi@example.fi", .supervisor)
            let newcomer = try await server.signedIn("uusi@example.fi")
            // The expired notice is not owed; the one in force is.
            let open = try await newcomer.get("/api/notices/open").json()
            #expect((open["notices"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])
            let status = try await director.get("/api/accounts/A1/notices/\(id)/status").json()
            #expect((status.value("status", "pending") as? [[String: Any]])?.contains { ($0["person"] as? [String: Any])?["name"] as? String == "Uusi Esimies" } == true)

            // An hour after the notice, the others are escalated; the newcomer only an hour after joining.
            server.clock.advance(by: 10 * 60)
            #expect(try await server.kanava.noticeFollowUp.round().escalated == 4)
            server.clock.advance(by: 50 * 60)
            #expect(try await server.kanava.noticeFollowUp.round().escalated == 1)
        }
    }

    @Test func aReminderReachesAnOfflineMemberByMailOverSTARTTLS() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(startTLS: certificate.files, auth: ("kanava", "salainen"))) { sink in
                try await withServer(configure: {
                    $0.smtp.host = "127.0.0.1"
                    $0.smtp.port = sink.port
                    $0.smtp.security = "starttls"
                    $0.smtp.caCertificate = certificate.certificatePath
                    $0.smtp.username = "kanava"
                    $0.smtp.password = "salainen"
                    $0.smtp.sender = "kanava@example.fi"
                    $0.server.publicUrl = "https://kanava.example.fi"
                }) { server in
                    try await setUp(server)
                    let director = try await server.signedIn("johtaja@example.fi")
                    let id = try await post(director)
                    for email in ["ville@example.fi", "tampere@example.fi", "oulu@example.fi"] {
                        _ = try await server.signedIn(email).request(.post, "/api/accounts/A1/notices/\(id)/ack")
                    }
                    server.clock.advance(by: 3600)
                    #expect(try await server.kanava.noticeFollowUp.round().remindedByMail == 1)

                    // The server's mail service sends it within a few seconds.
                    let mails = try await sink.waitForMessages(count: 1)
                    let mail = try #require(mails.first)
                    #expect(mail.rcptTos == ["eino@example.fi"])
                    #expect(mail.tls)
                    #expect(mail.authUser == "kanava")
                    #expect(mail.subject == "Kuittaa tiedote: Vesikatko")
                    #expect(mail.text?.contains("Vesi poikki klo 12–14.") == true)
                    #expect(mail.text?.contains("https://kanava.example.fi/#/accounts/A1/notices/\(id)") == true)
                    #expect(mail.html?.contains("<strong>Kuittaa.</strong>") == true)
                    #expect(mail.headers["To"]?.contains("Eino Öhman") == true)
                    // Marked sent once the server has the 250 (just after the sink wrote it down).
                    let deadline = ContinuousClock.now + .seconds(5)
                    while try await server.kanava.store.pendingMailCount() > 0, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(try await server.kanava.store.pendingMailCount() == 0)
                }
            }
        }
    }

    @Test func aDeadMailServerHoldsUpNeitherChatNorNoticesAndItsMailWaitsForARetry() async throws {
        try await withServer(configure: {
            $0.smtp.host = "127.0.0.1"
            $0.smtp.port = 9  // nothing listens on discard here
            $0.smtp.security = "none"
            $0.smtp.sender = "kanava@example.fi"
        }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            _ = try await post(director)
            server.clock.advance(by: 3600)
            #expect(try await server.kanava.noticeFollowUp.round().remindedByMail == 4)
            let delivery = try #require(server.kanava.mailDelivery)
            #expect(try await delivery.deliverDue() == 0)
            // Still queued for a later attempt, and chat goes on.
            #expect(try await server.kanava.store.pendingMailCount() == 4)
            let posted = try await director.request(.post, "/api/accounts/A1/messages", json: ["body": "Sähköposti ei kulje, mutta tämä kulkee."])
            #expect(posted.status == .created)
        }
    }
}
