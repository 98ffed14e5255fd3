import Foundation
import KanavaCore
import KanavaTestSupport
import Logging
import Synchronization
import Testing

/// The outbox's retry policy, with a transport that fails on demand.
@Suite struct MailDeliveryTests {
    struct Refusal: MailTransportFailure, CustomStringConvertible {
        var isTransient: Bool
        var description: String { isTransient ? "451 try later" : "550 no such user" }
    }

    final class ScriptedTransport: MailTransport {
        let failures = Mutex<[String: Refusal]>([:])
        let sent = Mutex<[String]>([])
        func send(_ mail: OutgoingMail) async throws {
            if let failure = failures.withLock({ $0[mail.recipient] }) { throw failure }
            sent.withLock { $0.append(mail.recipient) }
        }
    }

    private func mail(_ to: String) -> OutgoingMail {
        OutgoingMail(recipient: to, recipientName: nil, subject: "Aihe", text: "Teksti", html: nil, purpose: "test")
    }

    @Test(arguments: Backend.all) func transientFailuresAreRetriedWithBackOffAndPermanentOnesGivenUp(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            // Mails enter the outbox with a follow-up record, as the notice follow-up writes them.
            let director = try await t.person("j@example.fi")
            try await t.account("A1", "Tili")
            try await t.member("A1", "j@example.fi", .accountDirector)
            let notice = try await t.kanava.notices.post(try AccountID.parse("A1"), NoticeDraft(clientId: nil, priority: "urgent", title: "T", body: "B", expiresAt: nil), by: .person(director)).notice
            _ = try await t.store.recordFollowUp(FollowUpRecord(notice: notice.id, reminded: [], escalated: [],
                                                                mails: [mail("ok@example.fi"), mail("later@example.fi"), mail("never@example.fi")], events: []),
                                                 at: t.clock.now())
            let transport = ScriptedTransport()
            transport.failures.withLock { $0 = ["later@example.fi": Refusal(isTransient: true), "never@example.fi": Refusal(isTransient: false)] }
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let delivery = MailDelivery(outbox: t.store, transport: transport, clock: t.clock, logger: logger)

            #expect(try await delivery.deliverDue() == 1)
            #expect(transport.sent.withLock { $0 } == ["ok@example.fi"])
            #expect(try await t.store.pendingMailCount() == 1)  // "never" was given up; "later" waits
            // Not due again until the back-off has passed: a minute after the first failure.
            #expect(try await delivery.deliverDue() == 0)
            t.clock.advance(by: 61)
            transport.failures.withLock { $0["later@example.fi"] = nil }
            #expect(try await delivery.deliverDue() == 1)
            #expect(transport.sent.withLock { $0 } == ["ok@example.fi", "later@example.fi"])
            #expect(try await t.store.pendingMailCount() == 0)
        }
    }

    @Test func theBackOffDoublesUpToAnHour() {
        #expect([1, 2, 3, 7, 20].map { MailDelivery.backOffSeconds(attempt: $0) } == [60, 120, 240, 3600, 3600])
    }
}
