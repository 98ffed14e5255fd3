import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct HTTPTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await withServer { server in
            let client = server.session()
            #expect(try await client.get("/health").text == #"{"status":"ok"}"#)
            #expect(try await client.get("/ready").status == .ok)
            _ = try await client.get("/api/accounts")
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            for name in ["hb_requests", "http_server_request_duration", "kanava_db_duration_seconds", "kanava_websocket_connections"] {
                #expect(metrics.text.contains(name), "metrics lack \(name)")
            }
        }
    }

    @Test func metricsCanRequireABearerToken() async throws {
        try await withServer(configure: { $0.metrics.bearerToken = "s3cret-token" }) { server in
            let client = server.session()
            let anonymous = try await client.get("/metrics")
            let authorized = try await client.request(.get, "/metrics", body: nil, headers: [.authorization: "Bearer s3cret-token"])
            #expect(anonymous.status == .unauthorized)
            #expect(authorized.status == .ok)
        }
    }

    @Test func signInSessionAndSignOut() async throws {
        try await withServer { server in
            try await server.installation.person("esimies@example.fi", "Ville Mäkinen")
            let browser = server.session()
            #expect(try await browser.get("/api/session").status == .unauthorized)

            let wrong = try await browser.signIn("esimies@example.fi", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")

            let signedIn = try await browser.signIn("ESIMIES@example.fi")
            #expect(signedIn.status == .ok)
            let cookie = try #require(signedIn.headers[.setCookie])
            #expect(cookie.contains("kanava_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))  // plain HTTP here; Secure with TLS or server.secure_cookies

            let session = try await browser.get("/api/session")
            #expect(session.status == .ok)
            #expect((try session.json()["person"] as? [String: Any])?["name"] as? String == "Ville Mäkinen")

            let stolenCookie = browser.cookie
            #expect(try await browser.request(.post, "/api/auth/sign-out", json: [:] as [String: String]).status == .noContent)
            // The old cookie no longer works, even if someone kept a copy.
            let replay = server.session()
            replay.cookie = stolenCookie
            #expect(try await replay.get("/api/session").status == .unauthorized)
        }
    }

    @Test func secureCookiesWhenConfigured() async throws {
        try await withServer(configure: { $0.server.secureCookies = true }) { server in
            try await server.installation.person("a@example.fi")
            let response = try await server.session().signIn("a@example.fi")
            #expect(response.headers[.setCookie]?.contains("Secure") == true)
        }
    }

    @Test func stateChangingRequestsNeedTheCSRFTokenAndTheSameOrigin() async throws {
        try await withServer { server in
            try await server.installation.person("admin@example.fi", global: .admin)
            let admin = try await server.signedIn("admin@example.fi")
            let body = ["id": "A1", "name": "Östra kiinteistö Ab"]

            let token = admin.csrfToken
            admin.csrfToken = nil
            let missing = try await admin.request(.post, "/api/accounts", json: body)
            #expect(missing.status == .forbidden)
            #expect(missing.errorCode == "csrf_failed")
            // A wrong first character (one that differs from the real one: a fixed "x" matched one token in 64).
            admin.csrfToken = ((token?.first == "x") ? "y" : "x") + (token ?? "").dropFirst()
            #expect(try await admin.request(.post, "/api/accounts", json: body).errorCode == "csrf_failed")
            admin.csrfToken = token
            admin.origin = "https://evil.example"
            #expect(try await admin.request(.post, "/api/accounts", json: body).errorCode == "csrf_failed")
            #expect(try await server.kanava.store.account(try AccountID.parse("A1")) == nil)

            admin.origin = "http://127.0.0.1:\(server.port)"
            #expect(try await admin.request(.post, "/api/accounts", json: body).status == .created)
        }
    }

    @Test func sessionsExpireOnTheServerClock() async throws {
        try await withServer(configure: { $0.session.lifetimeHours = 1 }) { server in
            try await server.installation.person("a@example.fi")
            let browser = try await server.signedIn("a@example.fi")
            #expect(try await browser.get("/api/accounts").status == .ok)
            server.clock.advance(by: 3601)
            let expired = try await browser.get("/api/accounts")
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "unauthenticated")
        }
    }

    @Test func tooManyFailedSignInsAreAnsweredWith429AndRetryAfter() async throws {
        try await withServer(configure: { $0.auth.maxFailuresPerEmail = 2 }) { server in
            try await server.installation.person("a@example.fi")
            let browser = server.session()
            for _ in 0..<2 { #expect(try await browser.signIn("a@example.fi", password: "wrong password").status == .unauthorized) }
            let limited = try await browser.signIn("a@example.fi")
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test func nonMembersGetNotFoundForEverythingOfAChannel() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("member@example.fi")
            try await t.person("outsider@example.fi")
            try await t.person("board@example.fi", global: .board)
            try await t.account("A1", "Yksi")
            try await t.member("A1", "member@example.fi", .accountDirector)
            let member = try await server.signedIn("member@example.fi")
            #expect(try await member.get("/api/accounts/A1").status == .ok)
            #expect(try await member.get("/api/accounts/A1/events").status == .ok)

            for email in ["outsider@example.fi", "board@example.fi"] {
                let other = try await server.signedIn(email)
                for (method, path) in [(HTTPRequest.Method.get, "/api/accounts/A1"), (.get, "/api/accounts/A1/events"),
                                       (.patch, "/api/accounts/A1"), (.post, "/api/accounts/A1/members"), (.delete, "/api/accounts/A1/members/1")] {
                    let response = try await other.request(method, path, json: method == .get || method == .delete ? nil : ["name": "x"])
                    #expect(response.status == .notFound, "\(email) \(method) \(path) → \(response.status)")
                    #expect(response.errorCode == "not_found")
                }
                // Indistinguishable from a channel that does not exist.
                let real = try await other.get("/api/accounts/A1")
                let missing = try await other.get("/api/accounts/A999")
                #expect(real.text.replacingOccurrences(of: "A1", with: "A999") == missing.text)
                let list = try await other.get("/api/accounts").json()["accounts"] as? [Any]
                #expect(list?.isEmpty == true)
            }
            let anonymous = server.session()
            #expect(try await anonymous.get("/api/accounts/A1").status == .unauthorized)
            // For a member, a malformed person id is a plain input error.
            let badPerson = try await member.request(.delete, "/api/accounts/A1/members/not-a-number", body: nil)
            #expect(badPerson.status == .badRequest)
        }
    }

    @Test func accountListIsSortedInFinnishOrder() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("esimies@example.fi")
            for (id, name) in [("A1", "Östra kiinteistö Ab"), ("A2", "Zeta Oy"), ("A3", "Äänekosken terveyskeskus"), ("A4", "Åbo Akademi"), ("A5", "Aalto Oy"), ("A6", "Wärtsi kirjasto")] {
                try await t.account(id, name)
                try await t.member(id, "esimies@example.fi", .supervisor)
            }
            let browser = try await server.signedIn("esimies@example.fi")
            let accounts = try #require(try await browser.get("/api/accounts").json()["accounts"] as? [[String: Any]])
            #expect(accounts.compactMap { $0["name"] as? String } == ["Aalto Oy", "Wärtsi kirjasto", "Zeta Oy", "Åbo Akademi", "Äänekosken terveyskeskus", "Östra kiinteistö Ab"])
            #expect(accounts.first?["role"] as? String == "supervisor")
        }
    }

    @Test func securityHeadersOnPagesErrorsAndAPI() async throws {
        try await withServer { server in
            let client = server.session()
            for path in ["/", "/app.js", "/api/accounts", "/no-such-page"] {
                let response = try await client.get(path)
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
            #expect(try await client.get("/").text.contains("<html"))
            #expect(try await client.get("/api/accounts").headers[.cacheControl] == "no-store")
            let notFound = try await client.get("/no-such-page")
            #expect(notFound.status == .notFound)
            #expect(notFound.errorCode == "not_found")
        }
    }

    @Test func theEventLogOverHTTPPagesAndValidatesItsQuery() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("johtaja@example.fi")
            try await t.account("A1", "Yksi")
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            let director = try await server.signedIn("johtaja@example.fi")
            let page = try await director.get("/api/accounts/A1/events?after=1&limit=10").json()
            let events = try #require(page["events"] as? [[String: Any]])
            #expect(events.map { $0["seq"] as? Int } == [2])
            #expect(events.first?["kind"] as? String == "membership.added")
            #expect(page["head"] as? Int == 2)
            for query in ["after=-1", "after=abc", "limit=0", "limit=100000"] {
                let bad = try await director.get("/api/accounts/A1/events?\(query)")
                #expect(bad.status == .badRequest, "\(query)")
                #expect(bad.errorCode == "invalid_input")
            }
        }
    }
}

@Suite("Audit log over HTTP")
struct AuditHTTPTests {
    @Test func adminsPageThroughTheLogWithTheClientsAddressAndOthersAreRefused() async throws {
        try await withServer { server in
            try await server.installation.person("admin@example.fi", "Admin", global: .admin)
            try await server.installation.person("esimies@example.fi", "Esimies")
            let failed = try await server.session().signIn("esimies@example.fi", password: "not the password")
            #expect(failed.status == .unauthorized)
            let supervisor = try await server.signedIn("esimies@example.fi")
            #expect(try await supervisor.get("/api/admin/audit").status == .forbidden)
            #expect(try await server.session().get("/api/admin/audit").status == .unauthorized)

            let admin = try await server.signedIn("admin@example.fi")
            let page = try await admin.get("/api/admin/audit?limit=2").json()
            let entries = page["entries"] as? [[String: Any]] ?? []
            #expect(entries.map { $0["action"] as? String } == ["auth.sign_in", "auth.sign_in"])
            #expect(entries.allSatisfy { $0["address"] as? String == "127.0.0.1" })
            let next = try #require(page["next"] as? Int)
            let older = try await admin.get("/api/admin/audit?before=\(next)&action=auth.sign_in_failed").json()
            #expect((older["entries"] as? [[String: Any]])?.map { $0.value("detail", "email") as? String } == ["esimies@example.fi"])

            let bad = try await admin.get("/api/admin/audit?action=auth.everything")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("action"))
            #expect(try await admin.get("/api/admin/audit?limit=0").status == .badRequest)
        }
    }
}
