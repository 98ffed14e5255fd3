import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Schemathesis (PyPI) against the document a live server serves, on a seeded installation: generated requests,
/// valid and invalid, to every operation, as the account's director and as an admin. No answer may be a 5xx, and
/// every answer must be one the document describes (status, content type and body schema).
@Suite struct SchemathesisTests {
    /// Fixed, so a failure can be reproduced with the same requests (`KANAVA_FUZZ_SEED` for another campaign).
    static let seed = ProcessInfo.processInfo.environment["KANAVA_FUZZ_SEED"].flatMap(Int.init) ?? 20_261_124
    /// Test cases per operation and phase: bounded so both runs take about a minute on two cores. A longer campaign:
    /// `KANAVA_FUZZ_EXAMPLES=100 swift test --filter SchemathesisTests`.
    static let maxExamples = ProcessInfo.processInfo.environment["KANAVA_FUZZ_EXAMPLES"].flatMap(Int.init) ?? 5

    @Test func generatedRequestsGetNoServerErrorAndMatchTheDocument() async throws {
        let schemathesis = try await PythonDependencies.path(module: "schemathesis", package: "schemathesis")
        try await withServer { server in
            let (director, admin) = try await Self.seed(server)
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-schemathesis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            // Path parameters point at the seeded account, so answers carry real content to check against the schemas.
            try Data("""
                [parameters]
                "path.account" = "A10000"
                "path.month" = "2026-03"

                """.utf8).write(to: work.appendingPathComponent("schemathesis.toml"))

            // The director first: the admin's run may remove the director from the account.
            for (who, session) in [("director", director), ("admin", admin)] {
                let result = try await Python.run([
                    "-m", "schemathesis.cli", "--config-file", work.appendingPathComponent("schemathesis.toml").path, "run",
                    "http://127.0.0.1:\(server.port)/api/openapi.yaml",
                    "--url", "http://127.0.0.1:\(server.port)",
                    "-H", "Cookie: \(session.cookie ?? "")", "-H", "X-CSRF-Token: \(session.csrfToken ?? "")",
                    "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                    // Signing out would end the session the rest of the run uses.
                    "--exclude-operation-id", "signOut",
                    "--phases", "examples,coverage,fuzzing", "--max-examples", "\(Self.maxExamples)", "--seed", "\(Self.seed)",
                    "--workers", "1", "--generation-database", "none", "--request-timeout", "10", "--no-color",
                ], pythonPath: schemathesis, directory: work)
                let report = String(decoding: result.output, as: UTF8.self) + result.standardError
                #expect(result.status == 0, "schemathesis as the \(who) found problems (exit \(result.status)):\n\(report)")
                // Not vacuous: every selected operation was exercised, with a session the server accepted.
                let selected = Self.figure("Selected: ", in: report), tested = Self.figure("Tested: ", in: report)
                #expect(selected ?? 0 > 90 && tested == selected, "as the \(who): \(tested ?? 0) of \(selected ?? 0) operations tested:\n\(report)")
                // Some operations are refused by design (admin-only ones to the director); most must not be.
                let refused = Self.figure("Authentication failed: ", in: report) ?? 0
                #expect(refused < (selected ?? 0) / 4, "as the \(who): \(refused) operations answered only 401/403:\n\(report)")
            }
            #expect(try await server.session().get("/health").status == .ok)
        }
    }

    /// The number after `label` in schemathesis's summary ("Selected: 102/103", "Tested: 102", "Authentication
    /// failed: 17 operations").
    static func figure(_ label: String, in report: String) -> Int? {
        guard let range = report.range(of: label) else { return nil }
        return Int(report[range.upperBound...].prefix { $0.isNumber })
    }

    /// Found by schemathesis: the board overview of a month in 2000 has fewer than twelve trend months (months start in
    /// 2000), which the document once refused.
    @Test func theBoardOverviewOfAMonthIn2000MatchesTheDocument() async throws {
        let exchanges = try await withServer { server in
            _ = try await Self.seed(server)
            let admin = try await server.signedIn("admin@example.fi")
            let response = try await admin.get("/api/board/cards?month=2000-03")
            #expect(response.status == .ok)
            let accounts = try #require(try response.json()["accounts"] as? [[String: Any]])
            #expect((accounts.first?["trend"] as? [Any])?.count == 3)
            return try JSONSerialization.data(withJSONObject: [[
                "method": "GET", "path": "/api/board/cards", "status": 200,
                "contentType": response.headers[.contentType] ?? "", "body": response.text,
            ]])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-board-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try exchanges.write(to: file)
        let (status, output) = try await OpenAPITests.check(["responses", OpenAPITests.specPath, file.path])
        #expect(status == 0, "\(output)")
    }

    /// An admin, a director and a supervisor of account A10000, which has a section page, a memo, an annual-clock
    /// event, a planner, chat, a notice, feedback and a quality card. Returns the director's and the admin's sessions.
    static func seed(_ server: TestServer) async throws -> (director: HTTPSession, admin: HTTPSession) {
        try await OpenAPITests.addPeopleAndAccount(server)
        let admin = try await server.signedIn("admin@example.fi")
        let director = try await server.signedIn("johtaja@example.fi")
        let member = try await server.signedIn("esimies@example.fi")
        let base = "/api/accounts/A10000"
        func post(_ session: HTTPSession, _ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]) async throws {
            let response = try await session.request(method, path, json: json)
            guard (200..<300).contains(response.status.code) else { throw TestFailure("seeding \(method) \(path): \(response.status) \(response.text)") }
        }
        try await post(director, .put, "\(base)/sections/overview", ["body": "# Yleistä\n\nTervetuloa **kanavalle**.", "baseRevision": 0])
        try await post(director, .post, "\(base)/memos", ["title": "Ohjausryhmä", "meetingDate": "2026-03-09", "participants": ["Jaana Järvinen"], "body": "Sovittiin."])
        try await post(director, .post, "\(base)/clock/events", ["title": "Laatukäynti", "kind": "quality_visit", "owner": "supervisor", "start": "2026-01-15", "recurrence": "FREQ=MONTHLY"])
        try await post(director, .post, "\(base)/planner/templates/takeover/apply", [:])
        try await post(member, .post, "\(base)/messages", ["clientId": "c-1", "body": "Hei @Jaana Järvinen"])
        try await post(director, .post, "\(base)/notices", ["priority": "urgent", "title": "Avainten palautus", "body": "Perjantaina.", "expiresAt": "2026-12-01T12:00:00Z"])
        try await post(member, .post, "\(base)/feedback", ["kind": "idea", "body": "Avainkaappi", "anonymous": true])
        try await post(director, .put, "\(base)/cards/2026-03", ["status": "yellow", "summary": "Kaksi esimiesvaihdosta.", "openComplaints": 2])
        return (director, admin)
    }
}
