import KanavaTestSupport
import Foundation
import KanavaMail
import NIOSSL
import Testing

/// The client against a real SMTP server (aiosmtpd, see ``SMTPSink``) and against broken servers, on loopback.
@Suite struct SMTPClientTests {
    static let sender = MailAddress("ilmoitukset@kanava.example.fi", name: "Kanava")

    private func client(_ port: Int, _ security: SMTPSettings.Security = .none, host: String = "127.0.0.1",
                        username: String? = nil, password: String? = nil, tls: TLSConfiguration? = nil,
                        timeout: Duration = .seconds(10), logs: LogRecorder = LogRecorder()) -> SMTPClient {
        var settings = SMTPSettings(host: host, port: port, security: security, username: username, password: password,
                                    heloName: "kanava.test", timeout: timeout)
        if let tls { settings.tls = tls }
        return SMTPClient(settings: settings, logger: logs.logger())
    }

    private func message(to: [MailAddress] = [MailAddress("anna@example.fi")], subject: String = "Testi",
                         text: String = "Hei!", html: String? = nil) -> MailMessage {
        MailMessage(from: Self.sender, to: to, subject: subject, text: text, html: html)
    }

    /// Runs `body`, expecting it to throw an ``SMTPError``, and returns that error.
    private func smtpError(_ body: () async throws -> Void) async -> SMTPError? {
        do {
            try await body()
            Issue.record("expected an SMTPError, but the send succeeded")
            return nil
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("expected an SMTPError, got \(type(of: error)): \(error)")
            return nil
        }
    }

    @Test func deliversFinnishTextAndHTMLOverPlainLoopback() async throws {
        try await SMTPSink.run { sink in
            let logs = LogRecorder()
            var mail = message(
                to: [MailAddress("ville.makinen@example.fi", name: "Ville Mäkinen"),
                     MailAddress("hallitus@example.fi", name: "Hallitus, \"talous\"")],
                subject: "Kiireellinen: Äänekosken kylmäkone pysähtyi – kuittaa heti ✅",
                text: "Hyvä vastaanottaja,\n\nÄänekosken toimipisteen kylmäkone pysähtyi klo 6.45.\nTarkista ja kuittaa.\n\nTerveisin\nKanava",
                html: "<p>Hyvä vastaanottaja,</p>\n<p><b>Äänekosken</b> kylmäkone pysähtyi – <a href=\"https://kanava.example.fi/n/12\">kuittaa</a>.</p>")
            mail.from = MailAddress("ilmoitukset@kanava.example.fi", name: "Kanava – Ilmoitukset")
            mail.headers = [("X-Kanava-Notice", "12"), ("X-Kanava-Account", "Säästöpankki Oy")]
            try await client(sink.port, logs: logs).send(mail)

            let received = try await sink.waitForMessages(count: 1)
            #expect(received.count == 1)
            let got = try #require(received.first)
            #expect(got.mailFrom == "ilmoitukset@kanava.example.fi")
            #expect(got.rcptTos == ["ville.makinen@example.fi", "hallitus@example.fi"])
            #expect(got.subject == mail.subject)
            // In a multipart message the CRLF before a boundary belongs to the boundary, not to the part.
            #expect(got.text == mail.text)
            #expect(got.html == mail.html)
            #expect(got.headers["From"] == "Kanava – Ilmoitukset <ilmoitukset@kanava.example.fi>")
            #expect(got.headers["To"] == #"Ville Mäkinen <ville.makinen@example.fi>, "Hallitus, \"talous\"" <hallitus@example.fi>"#)
            #expect(got.headers["X-Kanava-Notice"] == "12")
            #expect(got.headers["X-Kanava-Account"] == "Säästöpankki Oy")
            #expect(got.headers["MIME-Version"] == "1.0")
            #expect(got.headers["Content-Type"]?.hasPrefix("multipart/alternative;") == true)
            #expect(got.headers["Message-ID"]?.hasSuffix("@kanava.example.fi>") == true)
            #expect(got.headers["Date"] != nil)
            #expect(got.tls == false)
            // On the wire everything is 7-bit, with short lines.
            #expect(got.raw.unicodeScalars.allSatisfy { $0.isASCII })
            #expect(got.raw.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })

            #expect(logs.all.contains { $0.hasPrefix("info sent") && $0.contains("smtp.recipients=2") })
            #expect(logs.all.contains { $0.hasPrefix("debug C: EHLO kanava.test") })
        }
    }

    @Test func startTLSWithAuthentication() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(startTLS: certificate.files, auth: ("kanava", "salainen sana"))) { sink in
                let logs = LogRecorder()
                // By name, so that the certificate is checked against "localhost".
                try await client(sink.port, .startTLS, host: "localhost", username: "kanava", password: "salainen sana",
                                 tls: certificate.clientConfiguration(), logs: logs).send(message())
                let got = try #require(try await sink.waitForMessages(count: 1).first)
                #expect(got.tls)
                #expect(got.authUser == "kanava")
                #expect(got.text == "Hei!\n")

                // The password is never logged, in clear or encoded.
                let encoded = Data("\0kanava\0salainen sana".utf8).base64EncodedString()
                #expect(logs.all.contains { $0.contains("AUTH PLAIN <redacted>") })
                #expect(!logs.all.contains { $0.contains("salainen") || $0.contains(encoded) })
            }
        }
    }

    @Test func authLoginWhenPlainIsNotOffered() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(startTLS: certificate.files, auth: ("kanava", "sana"), authExclude: ["PLAIN"])) { sink in
                let logs = LogRecorder()
                try await client(sink.port, .startTLS, username: "kanava", password: "sana",
                                 tls: certificate.clientConfiguration(), logs: logs).send(message())
                let got = try #require(try await sink.waitForMessages(count: 1).first)
                #expect(got.authUser == "kanava")
                #expect(logs.all.contains { $0.contains("C: AUTH LOGIN") })
                #expect(!logs.all.contains { $0.contains(Data("sana".utf8).base64EncodedString()) })
            }
        }
    }

    @Test func implicitTLS() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(implicitTLS: certificate.files, auth: ("kanava", "sana"))) { sink in
                // By IP address: the certificate's IP entry is checked.
                try await client(sink.port, .tls, username: "kanava", password: "sana",
                                 tls: certificate.clientConfiguration()).send(message())
                let got = try #require(try await sink.waitForMessages(count: 1).first)
                #expect(got.tls)
                #expect(got.authUser == "kanava")
            }
        }
    }

    @Test func untrustedCertificateIsRefused() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(startTLS: certificate.files)) { sink in
                // The system's roots do not include the test certificate.
                let error = await smtpError { try await client(sink.port, .startTLS).send(message()) }
                #expect(error?.stage == .startTLS)
                #expect(error?.kind == .tls)
                #expect(error?.isTransient == false)
                let delivered = try sink.messages()
                #expect(delivered.isEmpty)
            }
        }
    }

    @Test func startTLSNotOfferedIsRefusedWithoutFallback() async throws {
        try await SMTPSink.run(.init(auth: ("kanava", "sana"))) { sink in
            let logs = LogRecorder()
            let error = await smtpError {
                try await client(sink.port, .startTLS, username: "kanava", password: "sana", logs: logs).send(message())
            }
            #expect(error?.stage == .startTLS)
            #expect(error?.kind == .insecure)
            #expect(error?.isTransient == false)
            let delivered = try sink.messages()
            #expect(delivered.isEmpty)
            #expect(!logs.all.contains { $0.contains("C: AUTH") || $0.contains("C: MAIL FROM") })
        }
    }

    @Test func wrongPasswordFails() async throws {
        try await TestCertificate.with { certificate in
            try await SMTPSink.run(.init(startTLS: certificate.files, auth: ("kanava", "oikea"))) { sink in
                let error = await smtpError {
                    try await client(sink.port, .startTLS, username: "kanava", password: "väärä",
                                     tls: certificate.clientConfiguration()).send(message())
                }
                #expect(error?.stage == .auth)
                #expect(error?.kind == .rejected)
                #expect(error?.code == 535)
                #expect(error?.isTransient == false)
                let delivered = try sink.messages()
                #expect(delivered.isEmpty)
            }
        }
    }

    @Test func rejectedRecipientFailsTheSend() async throws {
        try await SMTPSink.run(.init(rejectRecipients: ["eiole@example.fi"])) { sink in
            let error = await smtpError {
                try await client(sink.port).send(message(to: [MailAddress("anna@example.fi"), MailAddress("eiole@example.fi")]))
            }
            #expect(error?.stage == .rcptTo)
            #expect(error?.code == 550)
            #expect(error?.isTransient == false)
            #expect(error?.description.contains("eiole@example.fi") == true)
            let delivered = try sink.messages()
            #expect(delivered.isEmpty)
        }
    }

    @Test func connectionRefusedIsTransient() async throws {
        let error = await smtpError { try await client(try await closedPort()).send(message()) }
        #expect(error?.stage == .connect)
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isTransient == true)
    }

    @Test func silentServerTimesOut() async throws {
        try await FakeServer.with { server in
            let started = ContinuousClock.now
            let error = await smtpError { try await client(server.port, timeout: .milliseconds(400)).send(message()) }
            let elapsed = ContinuousClock.now - started
            #expect(error?.stage == .greeting)
            #expect(error?.kind == .timedOut)
            #expect(error?.isTransient == true)
            // The timeout fires (no hang); the upper bound is loose because CI machines are shared and noisy.
            #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(15), "took \(elapsed)")
            try await waitUntil("the connection to be closed") { server.closed == 1 }
        }
    }

    @Test func cancellingASendClosesTheConnection() async throws {
        try await FakeServer.with { server in
            let send = Task { try await client(server.port, timeout: .seconds(60)).send(message()) }
            try await waitUntil("the client to connect") { server.opened == 1 }
            send.cancel()
            await #expect(throws: CancellationError.self) { try await send.value }
            try await waitUntil("the connection to be closed") { server.closed == 1 }
        }
    }

    @Test func dataInjectedBeforeTheTLSHandshakeIsRefused() async throws {
        // A man in the middle appends a plain-text reply to the 220 for STARTTLS, hoping that it is read as if
        // it had come over TLS (CVE-2011-0411 and kin).
        try await FakeServer.with(greeting: "220 fake ESMTP\r\n", reply: { line in
            switch line {
            case "EHLO kanava.test": "250-fake\r\n250 STARTTLS\r\n"
            case "STARTTLS": "220 go ahead\r\n250 injected\r\n"
            default: nil
            }
        }) { server in
            let error = await smtpError { try await client(server.port, .startTLS).send(message()) }
            #expect(error?.stage == .startTLS)
            #expect(error?.kind == .protocolViolation)
            #expect(error?.isTransient == false)
        }
    }

    @Test func greetingsThatAreNotSMTP() async throws {
        try await FakeServer.with(greeting: "HTTP/1.1 400 Bad Request\r\n") { server in
            let error = await smtpError { try await client(server.port).send(message()) }
            #expect(error?.stage == .greeting)
            #expect(error?.kind == .protocolViolation)
            #expect(error?.isTransient == false)
        }
        try await FakeServer.with(greeting: "421-busy\r\n421 try again later\r\n") { server in
            let error = await smtpError { try await client(server.port).send(message()) }
            #expect(error?.stage == .greeting)
            #expect(error?.code == 421)
            #expect(error?.serverText == "busy try again later")
            #expect(error?.isTransient == true)
        }
    }

    @Test func invalidMessageIsRefusedBeforeConnecting() async throws {
        // Nothing listens on the port: an error of stage .message shows no connection was tried.
        let port = try await closedPort()
        for bad in [message(subject: "Hei\r\nBcc: kaikki@example.fi"),
                    message(to: [MailAddress("anna@example.fi>\r\nRCPT TO:<x@example.fi")]),
                    message(to: [])] {
            let error = await smtpError { try await client(port).send(bad) }
            #expect(error?.stage == .message)
            #expect(error?.kind == .invalidInput)
            #expect(error?.isTransient == false)
        }
    }

    @Test func credentialsNeedAUsableMechanism() async throws {
        // A plain loopback server without AUTH: a configured username must not be silently ignored.
        try await SMTPSink.run { sink in
            let error = await smtpError { try await client(sink.port, username: "kanava", password: "sana").send(message()) }
            #expect(error?.stage == .auth)
            #expect(error?.kind == .unsupported)
            let delivered = try sink.messages()
            #expect(delivered.isEmpty)
        }
    }

    @Test func dotStuffingKeepsLinesThatStartWithADot() async throws {
        try await SMTPSink.run { sink in
            let text = "Ensimmäinen rivi\n.alkaa pisteellä\n.\n..kaksi pistettä\n. välilyönti\nloppu."
            try await client(sink.port).send(message(text: text, html: ".\n<p>.</p>\n."))
            let got = try #require(try await sink.waitForMessages(count: 1).first)
            #expect(got.text == text)
            #expect(got.html == ".\n<p>.</p>\n.")
        }
    }

    @Test func longLinesAndLongSubjectsSurvive() async throws {
        try await SMTPSink.run { sink in
            let subject = String(repeating: "Pitkä otsikko äöå ÄÖÅ € – ", count: 12) + "loppu"
            let asciiSubject = String(repeating: "Long plain subject words ", count: 10) + "end"
            let line = String(repeating: "Hyvää päivää, tämä on pitkä rivi = ja välilyöntejä lopussa ", count: 90) + "   "
            let text = line + "\n" + String(repeating: "x", count: 5000) + "\n\tsisennetty\t\n"
            try await client(sink.port).send(message(subject: subject, text: text, html: "<p>\(line)</p>"))
            try await client(sink.port).send(message(subject: asciiSubject, text: "lyhyt"))

            let received = try await sink.waitForMessages(count: 2)
            #expect(received.count == 2)
            #expect(received.first?.subject == subject)
            #expect(received.first?.text == text)
            #expect(received.first?.html == "<p>\(line)</p>")
            #expect(received.last?.subject == asciiSubject)
            for got in received {
                #expect(got.raw.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
            }
        }
    }

    @Test func parallelSendsToOneServer() async throws {
        try await SMTPSink.run { sink in
            let client = client(sink.port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask { try await client.send(message(subject: "Viesti \(index)", text: "Numero \(index)")) }
                }
                try await group.waitForAll()
            }
            let received = try await sink.waitForMessages(count: 8)
            #expect(Set(received.compactMap(\.subject)) == Set((0..<8).map { "Viesti \($0)" }))
        }
    }

    /// Polls `condition` every 20 ms for up to 5 seconds.
    private func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
