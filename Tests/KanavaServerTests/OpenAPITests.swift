import Foundation
import HTTPTypes
import KanavaCore
import KanavaServer
import KanavaTestSupport
import Testing
import Yams

/// `docs/openapi.yaml`: a valid OpenAPI 3.1 document, served at `/api/openapi.yaml`, naming exactly the routes the
/// router registers, and true to what a live server answers.
@Suite struct OpenAPITests {
    static let specPath = TestInstallation.repositoryRoot.appendingPathComponent("docs/openapi.yaml").path

    /// Registered routes that are not REST and so are not in the document.
    static let notREST: Set<String> = [
        "GET /ws",  // the WebSocket handshake: docs/protocol.md
    ]

    /// Documented routes that are not registered yet, each with a comment naming who adds it: a route may be
    /// documented before it lands (as bots, webhooks and the calendar feed were for issue 6), and the branch that
    /// registers it removes its line here. An entry that is registered makes the test fail.
    static let pendingRoutes: Set<String> = []

    /// `METHOD /path/{param}` of every operation in the document.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any], let paths = document["paths"] as? [String: Any] else {
            throw TestFailure("docs/openapi.yaml has no paths")
        }
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations: Set<String> = []
        for (path, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            for method in methods where item[method] != nil { operations.insert("\(method.uppercased()) \(path)") }
        }
        return operations
    }

    /// `METHOD /path/{param}` of every route the application's router registers (Hummingbird writes `:param` as `{param}`).
    static func registeredRoutes() async throws -> Set<String> {
        try await withInstallation { installation in
            var routes: Set<String> = []
            _ = try KanavaServer.buildApplication(kanava: installation.kanava, inspectRouter: { router in
                routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
            })
            return routes
        }
    }

    /// The installation the document's checks call on 10 March 2026: an admin, and account A10000 with its director
    /// (johtaja@) and a supervisor (esimies@).
    static func addPeopleAndAccount(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.account("A10000", "Östra kiinteistö Ab", start: "2019-05-03")
        try await t.member("A10000", "johtaja@example.fi", .accountDirector)
        try await t.member("A10000", "esimies@example.fi", .supervisor)
    }

    /// `Tests/Support/openapi_check.py` with openapi-spec-validator (and its openapi-schema-validator and PyYAML).
    static func check(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Python.script("openapi_check.py", arguments, needs: [
            (module: "openapi_spec_validator, openapi_schema_validator, yaml", package: "openapi-spec-validator"),
        ])
        return (result.status, String(decoding: result.output, as: UTF8.self) + result.standardError)
    }

    @Test func theDocumentIsValidOpenAPI31() async throws {
        let text = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3.1."))
        let (status, output) = try await Self.check(["validate", Self.specPath])
        #expect(status == 0, "openapi-spec-validator refuses docs/openapi.yaml:\n\(output)")
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        let registered = try await Self.registeredRoutes()
        let documented = try Self.documentedOperations()
        #expect(registered.count > 50, "the router's routes could not be listed: \(registered.sorted())")

        let undocumented = registered.subtracting(documented).subtracting(Self.notREST)
        #expect(undocumented.isEmpty, "registered but missing from docs/openapi.yaml: \(undocumented.sorted().joined(separator: ", "))")

        let unregistered = documented.subtracting(registered).subtracting(Self.pendingRoutes)
        #expect(unregistered.isEmpty, "in docs/openapi.yaml but not registered: \(unregistered.sorted().joined(separator: ", "))")

        let landed = Self.pendingRoutes.intersection(registered)
        #expect(landed.isEmpty, "registered now, remove from OpenAPITests.pendingRoutes: \(landed.sorted().joined(separator: ", "))")
        let pendingButUndocumented = Self.pendingRoutes.subtracting(documented)
        #expect(pendingButUndocumented.isEmpty, "pendingRoutes names routes the document lacks: \(pendingButUndocumented.sorted())")
        #expect(Self.notREST.isSubset(of: registered), "notREST names routes that are not registered: \(Self.notREST.subtracting(registered).sorted())")
    }

    @Test func theServerServesTheDocumentWithoutASession() async throws {
        try await withServer { server in
            let response = try await server.session().get("/api/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(response.body == FileManager.default.contents(atPath: Self.specPath))
        }
    }

    @Test func aMissingDocumentIsNotFoundAndTheServerStillRuns() async throws {
        try await withServer(configure: { $0.server.openapi = "/nonexistent/openapi.yaml" }) { server in
            let response = try await server.session().get("/api/openapi.yaml")
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
            #expect(try await server.session().get("/health").status == .ok)
        }
    }

    /// Real answers of every kind of operation, checked against the document by `Tests/Support/openapi_check.py`:
    /// the status is documented, the content type is declared and the JSON body is valid against its schema
    /// (which has `additionalProperties: false`, so a field the document lacks fails too).
    @Test func liveAnswersMatchTheDocument() async throws {
        let (exchanges, exercised) = try await withServer { server in
            let recorder = Recorder()
            try await recorder.exercise(server)
            let exchanges = recorder.exchanges
            let exercised = Set(exchanges.map { "\($0["method"] as? String ?? "") \($0["path"] as? String ?? "")" })
            return (try JSONSerialization.data(withJSONObject: exchanges), exercised)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-exchanges-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try exchanges.write(to: file)
        let (status, output) = try await Self.check(["responses", Self.specPath, file.path])
        #expect(status == 0, "answers that do not match docs/openapi.yaml:\n\(output)")

        // Most of the document is exercised: every operation registered today, in fact, but for the few listed here.
        let notExercised = try Self.documentedOperations().subtracting(exercised).subtracting(Self.pendingRoutes)
        #expect(notExercised.isEmpty, "operations the live check does not call: \(notExercised.sorted())")
    }
}

/// Calls a live server and records each answer with the documented path it was for.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[String: Any]] = []
    var exchanges: [[String: Any]] { lock.withLock { recorded } }

    /// Calls `template` with its `{params}` filled in and `query` appended, records the answer and expects `status`.
    @discardableResult
    func call(
        _ session: HTTPSession, _ method: HTTPRequest.Method, _ template: String, _ params: [String: Any] = [:], query: String = "",
        json: Any? = nil, body: Data? = nil, headers: HTTPFields = [:], expect status: HTTPResponse.Status,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> HTTPSession.Response {
        var path = template
        for (name, value) in params { path = path.replacingOccurrences(of: "{\(name)}", with: "\(value)") }
        if !query.isEmpty { path += "?" + query }
        let response: HTTPSession.Response
        if let json {
            response = try await session.request(method, path, json: json, headers: headers)
        } else {
            response = try await session.request(method, path, body: body, headers: headers)
        }
        #expect(response.status == status, "\(method) \(path): \(response.status) \(response.text.prefix(300))", sourceLocation: sourceLocation)
        lock.withLock {
            recorded.append([
                "method": method.rawValue, "path": template, "status": Int(response.status.code),
                "contentType": response.headers[.contentType] ?? "", "body": response.text,
            ])
        }
        return response
    }

    func exercise(_ server: TestServer) async throws {
        let t = server.installation
        try await OpenAPITests.addPeopleAndAccount(server)
        let anonymous = server.session()
        let admin = try await server.signedIn("admin@example.fi")
        let member = try await server.signedIn("esimies@example.fi")
        let account = ["account": "A10000"]

        // Operations and the session.
        try await call(anonymous, .get, "/health", expect: .ok)
        try await call(anonymous, .get, "/ready", expect: .ok)
        try await call(anonymous, .get, "/metrics", expect: .ok)
        try await call(anonymous, .get, "/api/openapi.yaml", expect: .ok)
        try await call(anonymous, .post, "/api/auth/sign-in", json: ["email": "admin@example.fi", "password": "wrong one"], expect: .unauthorized)
        try await call(anonymous, .post, "/api/auth/sign-in", json: ["email": "admin@example.fi", "password": "x", "remember": true], expect: .badRequest)
        try await call(anonymous, .get, "/api/session", expect: .unauthorized)
        let me = try await call(member, .get, "/api/session", expect: .ok)
        let memberID = try #require((try me.json()["person"] as? [String: Any])?["id"] as? Int)
        try await call(anonymous, .get, "/api/accounts", expect: .unauthorized)

        // Accounts and members.
        try await call(admin, .get, "/api/accounts", expect: .ok)
        try await call(member, .get, "/api/accounts", expect: .ok)
        try await call(admin, .post, "/api/accounts", json: ["id": "B20000", "name": "Beeta Oy", "startDate": "2025-05-01"], expect: .created)
        try await call(member, .post, "/api/accounts", json: ["id": "C30000", "name": "Ceeta Oy"], expect: .forbidden)
        try await call(admin, .patch, "/api/accounts/{account}", ["account": "B20000"], json: ["name": "Beeta Oyj", "startDate": NSNull()], expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/members", ["account": "B20000"],
                       json: ["email": "esimies@example.fi", "role": "supervisor", "sites": ["Oulu 1"]], expect: .created)
        try await call(admin, .patch, "/api/accounts/{account}/members/{person}", ["account": "B20000", "person": memberID], json: ["role": "instructor"], expect: .ok)
        try await call(admin, .delete, "/api/accounts/{account}/members/{person}", ["account": "B20000", "person": memberID], expect: .noContent)
        try await call(member, .get, "/api/accounts/{account}", ["account": "B20000"], expect: .notFound)
        try await call(member, .get, "/api/accounts/{account}", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/events", account, query: "after=0&limit=100", expect: .ok)

        // Sections.
        let sectionPath = ["account": "A10000", "section": "overview"]
        try await call(member, .get, "/api/accounts/{account}/sections", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/sections", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/sections/{section}", sectionPath, expect: .ok)
        try await call(admin, .put, "/api/accounts/{account}/sections/{section}", sectionPath, json: ["body": "# Yleistä\n\nTervetuloa kanavalle.", "baseRevision": 0], expect: .ok)
        try await call(admin, .put, "/api/accounts/{account}/sections/{section}", sectionPath, json: ["body": "Myöhässä", "baseRevision": 0], expect: .conflict)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}", sectionPath, expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/sections/{section}/confirm", sectionPath, json: ["revision": 1], expect: .noContent)
        try await call(admin, .get, "/api/accounts/{account}/sections/{section}/readers", sectionPath, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}/readers", sectionPath, expect: .forbidden)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}/revisions", sectionPath, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}/diff", sectionPath, query: "from=0&to=1", expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}/diff", sectionPath, query: "from=-1&to=1", expect: .badRequest)
        let custom = try await call(admin, .post, "/api/accounts/{account}/sections", account, json: ["title": "Työmaat"], expect: .created)
        let customKey = try #require((try custom.json()["section"] as? [String: Any])?["key"] as? String)
        try await call(admin, .patch, "/api/accounts/{account}/sections/{section}", ["account": "A10000", "section": customKey], json: ["inUse": false], expect: .ok)

        // Documents: a contract as a link, a text file, versions, a download.
        let documents = ["account": "A10000", "section": "contracts"]
        let link = try await call(admin, .post, "/api/accounts/{account}/sections/{section}/documents", documents, json: [
            "url": "https://example.fi/sopimus.pdf", "title": "Palvelusopimus", "kind": "contract", "status": "in_force",
            "validFrom": "2025-01-01", "validUntil": "2027-12-31",
        ], expect: .created)
        let linkID = try #require((try link.json()["document"] as? [String: Any])?["id"] as? Int)
        let fileName = HTTPField.Name("X-File-Name")!
        let file = try await call(admin, .post, "/api/accounts/{account}/sections/{section}/documents", documents, query: "title=Ohje",
                                  body: Data("Hei maailma\n".utf8), headers: [.contentType: "text/plain", fileName: "ohje.txt"], expect: .created)
        let fileID = try #require((try file.json()["document"] as? [String: Any])?["id"] as? Int)
        try await call(admin, .post, "/api/accounts/{account}/sections/{section}/documents", documents, query: "colour=red",
                       body: Data("x\n".utf8), headers: [.contentType: "text/plain", fileName: "x.txt"], expect: .badRequest)
        try await call(member, .get, "/api/accounts/{account}/sections/{section}/documents", documents, expect: .ok)
        let fileDoc: [String: Any] = ["account": "A10000", "document": fileID]
        try await call(member, .get, "/api/accounts/{account}/documents/{document}", fileDoc, expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/documents/{document}", fileDoc, json: ["title": "Ohje v2"], expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/documents/{document}", ["account": "A10000", "document": linkID],
                       json: ["validUntil": NSNull()], expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/documents/{document}/versions", fileDoc,
                       body: Data("Toinen versio\n".utf8), headers: [.contentType: "text/plain", fileName: "ohje.txt"], expect: .created)
        try await call(admin, .post, "/api/accounts/{account}/documents/{document}/versions", ["account": "A10000", "document": linkID],
                       json: ["url": "https://example.fi/sopimus-2.pdf"], expect: .created)
        try await call(member, .get, "/api/accounts/{account}/documents/{document}/versions/{version}/download",
                       ["account": "A10000", "document": fileID, "version": 2], expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/documents/{document}/versions/{version}/download",
                       ["account": "A10000", "document": fileID, "version": 9], expect: .notFound)
        try await call(admin, .delete, "/api/accounts/{account}/documents/{document}", fileDoc, expect: .noContent)

        // Memos.
        let memo = try await call(admin, .post, "/api/accounts/{account}/memos", account, json: [
            "title": "Ohjausryhmä", "meetingDate": "2026-03-09", "participants": ["Jaana Järvinen", "Ville Mäkinen"], "body": "Sovittiin *asioista*.",
        ], expect: .created)
        let memoID = try #require((try memo.json()["memo"] as? [String: Any])?["id"] as? Int)
        try await call(member, .get, "/api/accounts/{account}/memos", account, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/memos/{memo}", ["account": "A10000", "memo": memoID], expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/memos/{memo}", ["account": "A10000", "memo": memoID], json: ["body": "Muutettu."], expect: .ok)
        try await call(admin, .delete, "/api/accounts/{account}/memos/{memo}", ["account": "A10000", "memo": memoID], expect: .noContent)

        // The annual clock.
        try await call(member, .get, "/api/accounts/{account}/clock", account, query: "year=2026", expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/clock", account, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/clock", account, query: "year=1999", expect: .badRequest)
        try await call(member, .get, "/api/accounts/{account}/clock/summary", account, query: "year=2026", expect: .ok)
        let event = try await call(admin, .post, "/api/accounts/{account}/clock/events", account, json: [
            "title": "Laatukäynti", "kind": "quality_visit", "owner": "supervisor", "start": "2026-01-15", "recurrence": "FREQ=MONTHLY", "leadDays": 7,
        ], expect: .created)
        let eventID = try #require((try event.json()["event"] as? [String: Any])?["id"] as? Int)
        try await call(admin, .post, "/api/accounts/{account}/clock/events", account, json: [
            "title": "Liian aikaisin", "kind": "report", "owner": "board", "start": "2026-01-15", "leadDays": 999,
        ], expect: .badRequest)
        try await call(member, .post, "/api/accounts/{account}/clock/events", account, json: [
            "title": "Ei saa", "kind": "report", "owner": "board", "start": "2026-01-15",
        ], expect: .forbidden)
        let clockEvent: [String: Any] = ["account": "A10000", "event": eventID]
        try await call(admin, .patch, "/api/accounts/{account}/clock/events/{event}", clockEvent, json: ["description": "Kuukausittain", "recurrence": NSNull()], expect: .ok)
        try await call(member, .put, "/api/accounts/{account}/clock/events/{event}/occurrences/{date}", ["account": "A10000", "event": eventID, "date": "2026-01-15"],
                       json: ["status": "done", "note": "Kaikki kunnossa"], expect: .ok)
        try await call(member, .put, "/api/accounts/{account}/clock/events/{event}/occurrences/{date}", ["account": "A10000", "event": eventID, "date": "2026-01-16"],
                       json: ["status": "done"], expect: .notFound)
        try await call(member, .get, "/api/accounts/{account}/clock", account, query: "year=2026", expect: .ok)
        try await call(admin, .delete, "/api/accounts/{account}/clock/events/{event}", clockEvent, expect: .noContent)

        // Planner: buckets, a task through its life, a template applied twice, a bucket refused while it has tasks.
        try await call(member, .get, "/api/accounts/{account}/planner", account, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/planner/templates", account, expect: .ok)
        let takeover = ["account": "A10000", "template": "takeover"]
        try await call(admin, .post, "/api/accounts/{account}/planner/templates/{template}/apply", takeover, json: [:], expect: .created)
        try await call(admin, .post, "/api/accounts/{account}/planner/templates/{template}/apply", takeover, json: ["baseDate": "2019-05-03"], expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/planner/templates/{template}/apply", takeover, json: [:], expect: .forbidden)
        let bucketJSON = try await call(admin, .post, "/api/accounts/{account}/planner/buckets", account, json: ["name": "Omat"], expect: .created)
        let bucketID = try #require((try bucketJSON.json()["bucket"] as? [String: Any])?["id"] as? Int)
        let bucket: [String: Any] = ["account": "A10000", "bucket": bucketID]
        try await call(admin, .patch, "/api/accounts/{account}/planner/buckets/{bucket}", bucket, json: ["name": "Omat tehtävät"], expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/planner/buckets/{bucket}/move", bucket, json: ["index": 0], expect: .ok)
        let taskJSON = try await call(admin, .post, "/api/accounts/{account}/planner/tasks", account, json: [
            "bucket": bucketID, "title": "Kohdekatselmus", "assignee": memberID, "dueDate": "2026-03-01", "labels": ["kohde"],
            "checklist": [["text": "Avaimet"]],
        ], expect: .created)
        let plannerTask = try #require(try taskJSON.json()["task"] as? [String: Any])
        let taskID = try #require(plannerTask["id"] as? Int)
        let itemID = try #require((plannerTask["checklist"] as? [[String: Any]])?.first?["id"] as? Int)
        let task: [String: Any] = ["account": "A10000", "task": taskID]
        try await call(member, .post, "/api/accounts/{account}/planner/tasks", account, json: ["bucket": bucketID, "title": "x"], expect: .forbidden)
        try await call(member, .patch, "/api/accounts/{account}/planner/tasks/{task}", task, json: ["status": "done"], expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/planner/tasks/{task}", task, json: ["dueDate": NSNull(), "startDate": "2026-03-01"], expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/planner/tasks/{task}", task, json: ["assignee": 999_999], expect: .badRequest)
        try await call(member, .put, "/api/accounts/{account}/planner/tasks/{task}/checklist/{item}", ["account": "A10000", "task": taskID, "item": itemID],
                       json: ["done": true], expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/planner/tasks/{task}/comments", task, json: ["body": "Tehty."], expect: .created)
        try await call(member, .get, "/api/accounts/{account}/planner/tasks/{task}", task, expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/planner/tasks/{task}/move", task, json: ["bucket": bucketID, "index": 0], expect: .ok)
        try await call(admin, .delete, "/api/accounts/{account}/planner/buckets/{bucket}", bucket, expect: .conflict)
        try await call(admin, .delete, "/api/accounts/{account}/planner/tasks/{task}", task, expect: .noContent)
        try await call(admin, .delete, "/api/accounts/{account}/planner/buckets/{bucket}", bucket, expect: .noContent)
        try await call(member, .get, "/api/accounts/{account}/planner", account, expect: .ok)

        // Feedback: a member leaves an anonymous idea, edits it, an admin answers; the yearly activity list.
        let left = try await call(member, .post, "/api/accounts/{account}/feedback", account,
                                  json: ["kind": "idea", "body": "Yhteinen avainkaappi", "anonymous": true], expect: .created)
        let feedbackID = try #require((try left.json()["item"] as? [String: Any])?["id"] as? Int)
        let feedbackPath: [String: Any] = ["account": "A10000", "feedback": feedbackID]
        try await call(member, .get, "/api/accounts/{account}/feedback", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/feedback", account, query: "status=new&limit=10", expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/feedback", account, query: "limit=500", expect: .badRequest)
        try await call(member, .get, "/api/accounts/{account}/feedback/{feedback}", feedbackPath, expect: .ok)
        try await call(member, .patch, "/api/accounts/{account}/feedback/{feedback}", feedbackPath, json: ["body": "Yhteinen avainkaappi eteiseen"], expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/feedback/{feedback}/replies", feedbackPath, json: ["status": "done"], expect: .forbidden)
        try await call(admin, .post, "/api/accounts/{account}/feedback/{feedback}/replies", feedbackPath,
                       json: ["body": "Hyvä ajatus", "status": "in_progress"], expect: .created)
        try await call(admin, .get, "/api/accounts/{account}/feedback/{feedback}", feedbackPath, expect: .ok)
        try await call(member, .patch, "/api/accounts/{account}/feedback/{feedback}", feedbackPath, json: ["body": "Myöhässä"], expect: .conflict)
        try await call(member, .delete, "/api/accounts/{account}/feedback/{feedback}", feedbackPath, expect: .conflict)
        let regret = try await call(member, .post, "/api/accounts/{account}/feedback", account, json: ["kind": "feedback", "body": "Kahvi loppui"], expect: .created)
        let regretID = try #require((try regret.json()["item"] as? [String: Any])?["id"] as? Int)
        try await call(member, .delete, "/api/accounts/{account}/feedback/{feedback}", ["account": "A10000", "feedback": regretID], expect: .noContent)
        try await call(admin, .get, "/api/activity", query: "year=2026", expect: .ok)
        try await call(member, .get, "/api/activity", expect: .forbidden)
        try await call(admin, .get, "/api/activity", query: "year=1999", expect: .badRequest)

        // Chat.
        let sent = try await call(member, .post, "/api/accounts/{account}/messages", account, json: ["clientId": "c-1", "body": "Hei @Jaana Järvinen, **tärkeä** asia"], expect: .created)
        let messageID = try #require((try sent.json()["message"] as? [String: Any])?["id"] as? Int)
        try await call(member, .post, "/api/accounts/{account}/messages", account, json: ["clientId": "c-1", "body": "Hei @Jaana Järvinen, **tärkeä** asia"], expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/messages", account, json: ["clientId": "c-1", "body": "toinen"], expect: .conflict)
        try await call(admin, .post, "/api/accounts/{account}/messages", account, json: ["body": "Vastaus", "threadRoot": messageID], expect: .created)
        let message: [String: Any] = ["account": "A10000", "message": messageID]
        try await call(member, .get, "/api/accounts/{account}/messages", account, query: "limit=50", expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/messages", account, query: "limit=500", expect: .badRequest)
        try await call(member, .get, "/api/accounts/{account}/messages/{message}/thread", message, expect: .ok)
        try await call(member, .patch, "/api/accounts/{account}/messages/{message}", message, json: ["body": "Hei, korjattu"], expect: .ok)
        try await call(admin, .patch, "/api/accounts/{account}/messages/{message}", message, json: ["body": "Ei oma"], expect: .forbidden)
        try await call(admin, .get, "/api/accounts/{account}/messages/{message}/edits", message, expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/read", account, json: ["upTo": messageID], expect: .noContent)
        try await call(member, .post, "/api/accounts/{account}/messages", account, json: ["body": "Kysymys johtajalle", "privateWith": memberID], expect: .created)
        try await call(admin, .get, "/api/accounts/{account}/conversations", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/conversations/{person}", ["account": "A10000", "person": memberID], expect: .ok)
        try await call(member, .delete, "/api/accounts/{account}/messages/{message}", message, expect: .noContent)
        try await call(admin, .get, "/api/accounts/{account}/messages", account, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/messages", account, expect: .ok)

        // Notices.
        let notice = try await call(admin, .post, "/api/accounts/{account}/notices", account, json: [
            "priority": "urgent", "title": "Avainten palautus", "body": "Palauttakaa avaimet **perjantaina**.", "expiresAt": "2026-12-01T12:00:00Z",
        ], expect: .created)
        let noticeID = try #require((try notice.json()["notice"] as? [String: Any])?["id"] as? Int)
        let noticePath: [String: Any] = ["account": "A10000", "notice": noticeID]
        try await call(member, .get, "/api/notices/open", expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/notices", account, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/notices", account, expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/notices/{notice}/ack", noticePath, expect: .ok)
        try await call(member, .post, "/api/accounts/{account}/notices/{notice}/ack", noticePath, expect: .ok)
        try await call(admin, .get, "/api/accounts/{account}/notices/{notice}/status", noticePath, expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/notices/{notice}/withdraw", noticePath, expect: .ok)

        // Search.
        try await call(member, .get, "/api/search", query: "q=tervetuloa", expect: .ok)
        try await call(member, .get, "/api/search", query: "q=hei&account=A10000&limit=5", expect: .ok)
        try await call(member, .get, "/api/search", query: "q=hei&limit=500", expect: .badRequest)

        // Admin: a roster file with errors is rejected (and recorded), a dry run writes nothing.
        let csv = Data("account_id;account_name\nA1;Ei riittävästi sarakkeita\n".utf8)
        try await call(admin, .post, "/api/admin/roster/sync", body: csv, headers: [.contentType: "text/csv"], expect: .ok)
        try await call(admin, .post, "/api/admin/roster/sync", query: "dryRun=true", body: csv, headers: [.contentType: "text/csv"], expect: .ok)
        let syncs = try await call(admin, .get, "/api/admin/roster/syncs", query: "limit=10", expect: .ok)
        if let sync = (try syncs.json()["syncs"] as? [[String: Any]])?.first?["id"] as? Int {
            try await call(admin, .get, "/api/admin/roster/syncs/{id}", ["id": sync], expect: .ok)
        }
        try await call(admin, .get, "/api/admin/roster/syncs/{id}", ["id": 999], expect: .notFound)
        try await call(member, .get, "/api/admin/roster/syncs", expect: .forbidden)
        try await call(admin, .get, "/api/admin/template/drift", expect: .ok)

        // Bots: an admin makes one (its token shown once); the bot lists, posts and reads with the token only.
        let created = try await call(admin, .post, "/api/admin/bots", json: ["name": "Raportoija", "channels": ["A10000"]], expect: .created)
        let botID = try #require((try created.json()["bot"] as? [String: Any])?["id"] as? Int)
        let botToken = try #require(try created.json()["token"] as? String)
        try await call(member, .post, "/api/admin/bots", json: ["name": "Ei saa", "channels": []], expect: .forbidden)
        try await call(admin, .get, "/api/admin/bots", expect: .ok)
        try await call(admin, .patch, "/api/admin/bots/{bot}", ["bot": botID], json: ["name": "Raportoija 2", "channels": ["A10000"]], expect: .ok)
        let bot: HTTPFields = [.authorization: "Bearer \(botToken)"]
        try await call(anonymous, .get, "/api/bot/channels", headers: bot, expect: .ok)
        try await call(anonymous, .post, "/api/bot/channels/{account}/messages", account, json: ["text": "Raportti valmis", "clientId": "r-1"], headers: bot, expect: .created)
        try await call(anonymous, .post, "/api/bot/channels/{account}/messages", account, json: ["text": "Raportti valmis", "clientId": "r-1"], headers: bot, expect: .ok)
        try await call(anonymous, .post, "/api/bot/channels/{account}/messages", ["account": "B20000"], json: ["text": "Väärä kanava"], headers: bot, expect: .notFound)
        try await call(anonymous, .get, "/api/bot/channels/{account}/clock", account, query: "year=2026", headers: bot, expect: .ok)
        try await call(admin, .post, "/api/admin/bots/{bot}/revoke", ["bot": botID], expect: .ok)
        try await call(anonymous, .get, "/api/bot/channels", headers: bot, expect: .unauthorized)

        // The audit log of all that.
        try await call(admin, .get, "/api/admin/audit", query: "limit=50", expect: .ok)
        try await call(admin, .get, "/api/admin/audit", query: "action=bot.created&before=100000", expect: .ok)
        try await call(admin, .get, "/api/admin/audit", query: "action=nothing", expect: .badRequest)
        try await call(member, .get, "/api/admin/audit", expect: .forbidden)

        // Incoming webhooks: made by the director or an admin; tools post to the secret URL as to Slack.
        let hook = try await call(admin, .post, "/api/accounts/{account}/webhooks", account, json: ["name": "Valvonta"], expect: .created)
        let hookID = try #require((try hook.json()["webhook"] as? [String: Any])?["id"] as? Int)
        let hookSecret = try #require((try hook.json()["url"] as? String)?.split(separator: "/").last.map(String.init))
        try await call(admin, .get, "/api/accounts/{account}/webhooks", account, expect: .ok)
        try await call(anonymous, .post, "/hooks/{secret}", ["secret": hookSecret], json: ["text": "Hälytys kuitattu", "username": "Valvomo", "icon_emoji": ":bell:"], expect: .ok)
        try await call(anonymous, .post, "/hooks/{secret}", ["secret": hookSecret], json: ["username": "Valvomo"], expect: .badRequest)
        try await call(anonymous, .post, "/hooks/{secret}", ["secret": hookSecret], body: Data("payload=%7B%22text%22%3A%22Lomake%22%7D".utf8),
                       headers: [.contentType: "application/x-www-form-urlencoded"], expect: .ok)
        try await call(admin, .delete, "/api/accounts/{account}/webhooks/{webhook}", ["account": "A10000", "webhook": hookID], expect: .noContent)
        try await call(anonymous, .post, "/hooks/{secret}", ["secret": hookSecret], json: ["text": "Liian myöhään"], expect: .notFound)

        // The calendar feed: a secret URL per person, fetched without a session.
        try await call(member, .get, "/api/me/calendar-feed", expect: .ok)
        let feed = try await call(member, .post, "/api/me/calendar-feed", expect: .ok)
        let feedSecret = try #require((try feed.json()["url"] as? String)?.split(separator: "/").last.map { String($0.dropLast(".ics".count)) })
        try await call(member, .get, "/api/me/calendar-feed", expect: .ok)
        try await call(anonymous, .get, "/calendar/{secret}.ics", ["secret": feedSecret], expect: .ok)
        try await call(member, .delete, "/api/me/calendar-feed", expect: .noContent)
        try await call(anonymous, .get, "/calendar/{secret}.ics", ["secret": feedSecret], expect: .notFound)

        // Quality cards: the director or an admin writes and submits, the board reads; others 404 (board overview 403).
        try await t.person("hallitus@example.fi", "Hilkka Hallitus", global: .board)
        let board = try await server.signedIn("hallitus@example.fi")
        let card = ["account": "A10000", "month": "2026-03"]
        try await call(admin, .get, "/api/accounts/{account}/cards/{month}", card, expect: .ok)
        try await call(admin, .put, "/api/accounts/{account}/cards/{month}", card, json: [
            "status": "yellow", "summary": "Kaksi esimiesvaihdosta.", "asks": "Rekrytointiapu Ouluun.", "customerSatisfaction": 4.1,
            "auditScore": 92.5, "openComplaints": 2, "monthlyBilling": 48_250.75,
        ], expect: .ok)
        try await call(admin, .put, "/api/accounts/{account}/cards/{month}", card, json: ["customerSatisfaction": 5.5], expect: .badRequest)
        try await call(admin, .put, "/api/accounts/{account}/cards/{month}", ["account": "A10000", "month": "2026-04"], json: ["summary": "x"],
                       expect: .badRequest)
        try await call(member, .put, "/api/accounts/{account}/cards/{month}", card, json: ["summary": "x"], expect: .notFound)
        try await call(board, .put, "/api/accounts/{account}/cards/{month}", card, json: ["summary": "x"], expect: .forbidden)
        try await call(board, .get, "/api/accounts/{account}/cards/{month}", card, expect: .notFound)
        try await call(admin, .post, "/api/accounts/{account}/cards/{month}/submit", card, json: ["version": 1], expect: .ok)
        try await call(admin, .post, "/api/accounts/{account}/cards/{month}/submit", card, json: ["version": 1], expect: .conflict)
        try await call(board, .post, "/api/accounts/{account}/cards/{month}/submit", card, json: ["version": 1], expect: .forbidden)
        try await call(board, .get, "/api/accounts/{account}/cards/{month}", card, expect: .ok)
        try await call(board, .get, "/api/accounts/{account}/cards/{month}/versions", card, expect: .ok)
        try await call(member, .get, "/api/accounts/{account}/cards/{month}/versions", card, expect: .notFound)
        try await call(board, .get, "/api/board/cards", query: "month=2026-03", expect: .ok)
        try await call(admin, .get, "/api/board/cards", expect: .ok)
        try await call(board, .get, "/api/board/cards", query: "month=2026-13", expect: .badRequest)
        try await call(member, .get, "/api/board/cards", expect: .forbidden)

        // Writes need the CSRF token; signing out ends the session.
        let token = admin.csrfToken
        admin.csrfToken = nil
        try await call(admin, .post, "/api/accounts/{account}/memos", account, json: ["title": "x", "meetingDate": "2026-03-09"], expect: .forbidden)
        admin.csrfToken = token
        try await call(admin, .post, "/api/auth/sign-out", expect: .noContent)
        try await call(admin, .get, "/api/session", expect: .unauthorized)
        try await call(anonymous, .post, "/api/auth/sign-out", expect: .noContent)
        try await call(anonymous, .post, "/api/auth/sign-in", json: ["email": "esimies@example.fi", "password": TestInstallation.password], expect: .ok)
    }
}
