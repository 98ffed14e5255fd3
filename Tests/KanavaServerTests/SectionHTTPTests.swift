import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct SectionHTTPTests {
    @Test func sectionsOverHTTP() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("johtaja@example.fi")
            try await t.person("esimies@example.fi")
            try await t.person("outsider@example.fi")
            try await t.account("A1", "Östra")
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            try await t.member("A1", "esimies@example.fi", .supervisor)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let outsider = try await server.signedIn("outsider@example.fi")

            let list = try #require(try await supervisor.get("/api/accounts/A1/sections").json()["sections"] as? [[String: Any]])
            #expect(list.compactMap { $0["number"] as? Int } == Array(1...12))  // 13 Laskutus is not theirs to see
            #expect(try await supervisor.get("/api/accounts/A1/sections/billing").status == .notFound)
            #expect(try await outsider.get("/api/accounts/A1/sections").status == .notFound)
            #expect(try await outsider.get("/api/accounts/A1/sections/overview").status == .notFound)

            let saved = try await director.request(.put, "/api/accounts/A1/sections/onboarding", json: ["body": "# Tervetuloa\n<script>x()</script>", "baseRevision": 0])
            #expect(saved.status == .ok)
            let stale = try await director.request(.put, "/api/accounts/A1/sections/onboarding", json: ["body": "vanha", "baseRevision": 0])
            #expect(stale.status == .conflict)
            #expect(try await supervisor.request(.put, "/api/accounts/A1/sections/onboarding", json: ["body": "x", "baseRevision": 1]).status == .forbidden)
            #expect(try await director.request(.put, "/api/accounts/A1/sections/onboarding", json: ["body": "x", "baseRevision": "1"]).status == .badRequest)

            let page = try await supervisor.get("/api/accounts/A1/sections/onboarding").json()
            #expect((page["html"] as? String)?.contains("&lt;script&gt;") == true)
            #expect(page["mustConfirm"] as? Bool == true)
            #expect(try await supervisor.get("/api/accounts").json()["accounts"].flatMap { ($0 as? [[String: Any]])?.first?["openMustReads"] as? Int } == 1)
            #expect(try await supervisor.request(.post, "/api/accounts/A1/sections/onboarding/confirm", json: ["revision": 1]).status == .noContent)
            let readers = try await director.get("/api/accounts/A1/sections/onboarding/readers").json()
            #expect((readers["confirmed"] as? [Any])?.count == 2)  // the author, and the supervisor
            #expect(try await supervisor.get("/api/accounts/A1/sections/onboarding/readers").status == .forbidden)

            let diff = try await supervisor.get("/api/accounts/A1/sections/onboarding/diff?from=0&to=1").json()
            #expect((diff["lines"] as? [[String: Any]])?.first?["kind"] as? String == "added")
            #expect(try await supervisor.get("/api/accounts/A1/sections/onboarding/diff?from=x&to=1").status == .badRequest)
            #expect(try await director.request(.patch, "/api/accounts/A1/sections/contracts", json: ["inUse": false]).status == .badRequest)
            #expect(try await director.request(.post, "/api/accounts/A1/sections", json: ["title": "Työmaat"]).status == .created)

            // Admins see the drift from the template; nobody else does.
            try await t.person("admin@example.fi", global: .admin)
            let admin = try await server.signedIn("admin@example.fi")
            let drift = try #require(try await admin.get("/api/admin/template/drift").json()["channels"] as? [[String: Any]])
            #expect(drift.first?["account"] as? String == "A1")
            #expect(drift.first?["notes"] as? [String] == ["own section 14 Työmaat"])
            #expect(try await director.get("/api/admin/template/drift").status == .forbidden)
        }
    }
}
