import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Every class of bad HTTP input gets a clear error, changes nothing, and leaves the server serving others.
@Suite struct BadInputTests {
    /// An admin session, a bystander session, and a way to tell that nothing changed.
    private func withAdmin(_ body: @Sendable @escaping (TestServer, HTTPSession) async throws -> Void) async throws {
        try await withServer { server in
            try await server.installation.person("admin@example.fi", global: .admin)
            try await server.installation.person("bystander@example.fi")
            let admin = try await server.signedIn("admin@example.fi")
            let bystander = try await server.signedIn("bystander@example.fi")
            let before = try await snapshot(server)
            try await body(server, admin)
            #expect(try await snapshot(server) == before, "bad input changed stored data")
            #expect(try await bystander.get("/api/session").status == .ok)
        }
    }

    private func snapshot(_ server: TestServer) async throws -> [String] {
        let store = server.kanava.store
        return try await store.people().map { "\($0.email)|\($0.name)" }
            + store.accountSummaries(viewer: nil, membershipsOnly: false).map { "\($0.id)|\($0.name)|\($0.memberCount)|\($0.head)" }
    }

    @Test func malformedJSON() async throws {
        try await withAdmin { _, admin in
            for raw in ["{", "not json", "[1,2]", "\"text\"", "{\"id\": \"A1\", \"name\": }", ""] {
                let response = try await admin.request(.post, "/api/accounts", body: Data(raw.utf8))
                #expect(response.status == .badRequest, "\(raw)")
                #expect(response.errorCode == "bad_request")
            }
        }
    }

    @Test func fieldsOfTheWrongTypeMissingOrUnknownAreNamed() async throws {
        try await withAdmin { _, admin in
            let cases: [([String: Any], String)] = [
                (["id": 12, "name": "x"], "id: expected text"),
                (["id": "A1"], "name: is required"),
                (["id": "A1", "name": "x", "startDate": false], "startDate: expected text"),
                (["id": "A1", "name": "x", "owner": "someone"], "unknown field 'owner'"),
                (["id": "A1", "name": NSNull()], "name: expected text, found null"),
            ]
            for (body, message) in cases {
                let response = try await admin.request(.post, "/api/accounts", json: body)
                #expect(response.status == .badRequest)
                #expect((try response.json()["error"] as? [String: Any])?["message"] as? String == message)
            }
        }
    }

    @Test func invalidValuesAndOverLongStrings() async throws {
        try await withAdmin { _, admin in
            let cases: [([String: Any], String)] = [
                (["id": "A1", "name": String(repeating: "x", count: 201)], "name: must be at most 200 characters"),
                (["id": "A1", "name": "   "], "name: must not be empty"),
                (["id": String(repeating: "A", count: 65), "name": "x"], "account id: must be 1–64 letters, digits, '-', '_' or '.'"),
                (["id": "A1/../../x", "name": "x"], "account id: must be 1–64 letters, digits, '-', '_' or '.'"),
                (["id": "A1", "name": "bell\u{7}"], "name: must not contain control characters"),
                (["id": "A1", "name": "x", "startDate": "2026-13-01"], "startDate: must be a real date written YYYY-MM-DD"),
            ]
            for (body, message) in cases {
                let response = try await admin.request(.post, "/api/accounts", json: body)
                #expect(response.status == .badRequest, "\(message)")
                #expect(response.errorCode == "invalid_input")
                #expect((try response.json()["error"] as? [String: Any])?["message"] as? String == message)
            }
        }
    }

    @Test func hugeBodiesAreRefusedBeforeBeingRead() async throws {
        try await withAdmin { _, admin in
            let huge = Data(#"{"id":"A1","name":""#.utf8) + Data(repeating: UInt8(ascii: "x"), count: 2_000_000) + Data(#""}"#.utf8)
            let response = try await admin.request(.post, "/api/accounts", body: huge)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
    }

    @Test func badCookiesAreTreatedAsSignedOut() async throws {
        try await withAdmin { server, _ in
            for cookie in ["kanava_session=", "kanava_session=garbage", "kanava_session=" + String(repeating: "A", count: 43),
                           "kanava_session=\u{00e4}\u{00e4}", "kanava_session", "=;=;", String(repeating: "a=b; ", count: 500)] {
                let browser = server.session()
                browser.cookie = cookie
                let response = try await browser.get("/api/accounts")
                #expect(response.status == .unauthorized, "\(cookie.prefix(40))")
                #expect(response.errorCode == "unauthenticated")
            }
        }
    }

    @Test func unknownRoutesAndMethods() async throws {
        try await withAdmin { _, admin in
            #expect(try await admin.get("/api/nothing-here").status == .notFound)
            #expect(try await admin.request(.put, "/api/accounts", json: ["id": "A1", "name": "x"]).status == .notFound)
            // The channel guard answers before the path's other parts are read.
            let missingChannel = try await admin.request(.delete, "/api/accounts/A1/members/not-a-number", body: nil)
            #expect(missingChannel.status == .notFound)
        }
    }
}
