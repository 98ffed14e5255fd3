import Foundation
import HTTPTypes
import KanavaCore
import KanavaServer
import KanavaTestSupport
import Testing

/// Every REST route and every WebSocket request type × every kind of principal, against one table each: who gets
/// past access control and who is denied with which status. The routes come from the router itself and the frame
/// types from ``ClientRequestType``, so a new route or frame without an entry fails the test.
@Suite struct AccessMatrixTests {
    /// `METHOD /path/{param}` → who may call it. Every registered route has an entry, the ones outside the matrix by
    /// nature (operations, signing in, secret URLs) included.
    static let routes: [String: RouteAccess] = [
        // Operations, the document, the session.
        "GET /health": .init(.public),
        "GET /ready": .init(.public),
        "GET /metrics": .init(.public),
        "GET /api/openapi.yaml": .init(.public),
        "POST /api/auth/sign-in": .init(.public),
        "POST /api/auth/sign-out": .init(.public),
        "GET /api/session": .init(.anySignedIn),
        "GET /ws": .init(.anySignedIn),  // here without an upgrade; the handshake and the frames: `Matrix.checkWebSocket`
        // Accounts and members.
        "GET /api/accounts": .init(.anySignedIn),
        "POST /api/accounts": .init(.adminOnly),
        "GET /api/accounts/{account}": .init(.memberRead),
        "PATCH /api/accounts/{account}": .init(.manage),
        "GET /api/accounts/{account}/events": .init(.memberRead),
        "POST /api/accounts/{account}/members": .init(.manage, body: #"{"email": "", "role": ""}"#),
        "PATCH /api/accounts/{account}/members/{person}": .init(.manage, body: #"{"role": ""}"#),
        "DELETE /api/accounts/{account}/members/{person}": .init(.manage, fresh: .member),
        // Sections and documents.
        "GET /api/accounts/{account}/sections": .init(.memberRead),
        "POST /api/accounts/{account}/sections": .init(.manage, body: #"{"title": ""}"#),
        "GET /api/accounts/{account}/sections/{section}": .init(.memberRead),
        "PUT /api/accounts/{account}/sections/{section}": .init(.sectionEdit, body: #"{"body": "", "baseRevision": -1}"#),
        "PATCH /api/accounts/{account}/sections/{section}": .init(.manage, body: #"{"inUse": true}"#),
        "GET /api/accounts/{account}/sections/{section}/revisions": .init(.memberRead),
        "GET /api/accounts/{account}/sections/{section}/diff": .init(.memberRead),
        "POST /api/accounts/{account}/sections/{section}/confirm": .init(.memberWrite),
        "GET /api/accounts/{account}/sections/{section}/readers": .init(.manage),
        "GET /api/accounts/{account}/sections/{section}/documents": .init(.memberRead),
        "POST /api/accounts/{account}/sections/{section}/documents": .init(.sectionEdit, body: #"{"url": ""}"#),
        "GET /api/accounts/{account}/documents/{document}": .init(.memberRead),
        "PATCH /api/accounts/{account}/documents/{document}": .init(.sectionEdit),
        "DELETE /api/accounts/{account}/documents/{document}": .init(.sectionEdit, fresh: .document),
        "POST /api/accounts/{account}/documents/{document}/versions": .init(.sectionEdit, body: #"{"url": ""}"#),
        "GET /api/accounts/{account}/documents/{document}/versions/{version}/download": .init(.memberRead),
        // Memos.
        "GET /api/accounts/{account}/memos": .init(.memberRead),
        "POST /api/accounts/{account}/memos": .init(.sectionEdit),
        "GET /api/accounts/{account}/memos/{memo}": .init(.memberRead),
        "PATCH /api/accounts/{account}/memos/{memo}": .init(.sectionEdit),
        "DELETE /api/accounts/{account}/memos/{memo}": .init(.sectionEdit, fresh: .memo),
        // The annual clock.
        "GET /api/accounts/{account}/clock": .init(.memberRead),
        "GET /api/accounts/{account}/clock/summary": .init(.memberRead),
        "POST /api/accounts/{account}/clock/events": .init(.manage),
        "PATCH /api/accounts/{account}/clock/events/{event}": .init(.manage),
        "DELETE /api/accounts/{account}/clock/events/{event}": .init(.manage, fresh: .clockEvent),
        "PUT /api/accounts/{account}/clock/events/{event}/occurrences/{date}": .init(.clockMark, body: #"{"status": ""}"#),
        // Feedback and the activity list.
        "GET /api/accounts/{account}/feedback": .init(.memberRead),
        "POST /api/accounts/{account}/feedback": .init(.membersOnly),
        "GET /api/accounts/{account}/feedback/{feedback}": .init(.memberRead),
        "PATCH /api/accounts/{account}/feedback/{feedback}": .init(.author, body: #"{"body": "Avainkaappi eteiseen"}"#),
        "DELETE /api/accounts/{account}/feedback/{feedback}": .init(.author, fresh: .feedback),
        "POST /api/accounts/{account}/feedback/{feedback}/replies": .init(.manage),
        "GET /api/activity": .init(.directing),
        // The planner.
        "GET /api/accounts/{account}/planner": .init(.memberRead),
        "GET /api/accounts/{account}/planner/templates": .init(.memberRead),
        "POST /api/accounts/{account}/planner/templates/{template}/apply": .init(.manage),
        "POST /api/accounts/{account}/planner/buckets": .init(.manage, body: #"{"name": ""}"#),
        "PATCH /api/accounts/{account}/planner/buckets/{bucket}": .init(.manage, body: #"{"name": ""}"#),
        "DELETE /api/accounts/{account}/planner/buckets/{bucket}": .init(.manage, fresh: .bucket),
        "POST /api/accounts/{account}/planner/buckets/{bucket}/move": .init(.manage, body: #"{"index": -1}"#),
        "POST /api/accounts/{account}/planner/tasks": .init(.plannerEdit),
        "GET /api/accounts/{account}/planner/tasks/{task}": .init(.memberRead),
        "PATCH /api/accounts/{account}/planner/tasks/{task}": .init(.plannerEdit),
        "DELETE /api/accounts/{account}/planner/tasks/{task}": .init(.plannerEdit, fresh: .task),
        "POST /api/accounts/{account}/planner/tasks/{task}/move": .init(.plannerEdit, body: #"{"bucket": 0, "index": -1}"#),
        "PUT /api/accounts/{account}/planner/tasks/{task}/checklist/{item}": .init(.plannerEdit, body: #"{"done": true}"#),
        "POST /api/accounts/{account}/planner/tasks/{task}/comments": .init(.memberWrite),
        // Chat.
        "GET /api/accounts/{account}/messages": .init(.memberRead),
        "POST /api/accounts/{account}/messages": .init(.memberWrite),
        "PATCH /api/accounts/{account}/messages/{message}": .init(.author, body: #"{"body": "Hei, korjattu"}"#),
        "DELETE /api/accounts/{account}/messages/{message}": .init(.ownOrManage, fresh: .message),
        "GET /api/accounts/{account}/messages/{message}/thread": .init(.privateConversation, params: ["message": "privateMessage"]),
        "GET /api/accounts/{account}/messages/{message}/edits": .init(.manage),
        "POST /api/accounts/{account}/read": .init(.memberWrite),
        "GET /api/accounts/{account}/conversations": .init(.memberRead),
        "GET /api/accounts/{account}/conversations/{person}": .init(.privateConversation, params: ["person": "peer"]),
        // Notices and search.
        "GET /api/notices/open": .init(.anySignedIn),
        "GET /api/accounts/{account}/notices": .init(.memberRead),
        "POST /api/accounts/{account}/notices": .init(.manage, body: #"{"priority": "", "title": "", "body": ""}"#),
        "POST /api/accounts/{account}/notices/{notice}/ack": .init(.membersOnly),
        "GET /api/accounts/{account}/notices/{notice}/status": .init(.manage),
        "POST /api/accounts/{account}/notices/{notice}/withdraw": .init(.manage, fresh: .notice),
        "GET /api/search": .init(.anySignedIn),
        // Administration.
        "GET /api/admin/roster/syncs": .init(.adminOnly),
        "GET /api/admin/roster/syncs/{id}": .init(.adminOnly),
        "POST /api/admin/roster/sync": .init(.adminOnly),
        "GET /api/admin/template/drift": .init(.adminOnly),
        "GET /api/admin/audit": .init(.adminOnly),
        "GET /api/admin/bots": .init(.adminOnly),
        "POST /api/admin/bots": .init(.adminOnly),
        "PATCH /api/admin/bots/{bot}": .init(.adminOnly),
        "POST /api/admin/bots/{bot}/revoke": .init(.adminOnly, fresh: .bot),
        // Bots, webhooks, the calendar feed.
        "GET /api/bot/channels": .init(.anyBot),
        "POST /api/bot/channels/{account}/messages": .init(.bot),
        "GET /api/bot/channels/{account}/clock": .init(.bot),
        "GET /api/accounts/{account}/webhooks": .init(.manage),
        "POST /api/accounts/{account}/webhooks": .init(.manage, body: #"{"name": ""}"#),
        "DELETE /api/accounts/{account}/webhooks/{webhook}": .init(.manage, fresh: .webhook),
        "POST /hooks/{secret}": .init(.secretURL),
        "GET /api/me/calendar-feed": .init(.anySignedIn),
        "POST /api/me/calendar-feed": .init(.anySignedIn),
        "DELETE /api/me/calendar-feed": .init(.anySignedIn),
        "GET /calendar/{secret}.ics": .init(.secretURL),
        // Quality cards.
        "GET /api/accounts/{account}/cards/{month}": .init(.cardRead),
        "PUT /api/accounts/{account}/cards/{month}": .init(.cardWrite),
        "POST /api/accounts/{account}/cards/{month}/submit": .init(.cardWrite, body: #"{"version": 1}"#),
        "GET /api/accounts/{account}/cards/{month}/versions": .init(.cardRead),
        "GET /api/board/cards": .init(.board),
    ]

    /// Further rows for routes of the table, about objects that only some members may see.
    static let probes: [(route: String, access: RouteAccess)] = [
        ("GET /api/accounts/{account}/sections/{section}", .init(.restricted, params: ["section": "restrictedSection"])),
        ("GET /api/accounts/{account}/sections/{section}/revisions", .init(.restricted, params: ["section": "restrictedSection"])),
        ("GET /api/accounts/{account}/sections/{section}/diff", .init(.restricted, params: ["section": "restrictedSection"])),
        ("GET /api/accounts/{account}/sections/{section}/documents", .init(.restricted, params: ["section": "restrictedSection"])),
        ("POST /api/accounts/{account}/sections/{section}/documents", .init(.restricted, body: #"{"url": ""}"#, params: ["section": "restrictedSection"])),
        ("GET /api/accounts/{account}/documents/{document}", .init(.restricted, params: ["document": "restrictedDocument"])),
        ("PATCH /api/accounts/{account}/documents/{document}", .init(.restricted, params: ["document": "restrictedDocument"])),
        ("GET /api/accounts/{account}/documents/{document}/versions/{version}/download", .init(.restricted, params: ["document": "restrictedDocument"])),
        ("GET /api/accounts/{account}/messages/{message}/edits", .init(.restricted, params: ["message": "privateMessage"])),
        ("POST /hooks/{secret}", .init(.wrongSecret, body: #"{"text": "Hälytys"}"#, params: ["secret": "wrongSecret"])),
        ("GET /calendar/{secret}.ics", .init(.wrongSecret, params: ["secret": "wrongSecret"])),
    ]

    /// Who may send each client → server frame, and its fields (about account A's fixture objects). A `switch`, so a
    /// new ``ClientRequestType`` cannot be added without an entry.
    static func frame(_ type: ClientRequestType, _ ids: [String: String]) -> (rule: AccessRule, fields: [String: Any]) {
        let channel = ids["account"]!
        switch type {
        case .subscribe: return (.memberRead, ["channels": [["channel": channel]]])
        case .unsubscribe: return (.anySignedIn, ["channels": [channel]])
        case .ping: return (.anySignedIn, [:])
        case .send: return (.memberWrite, ["channel": channel, "clientId": "", "body": ""])
        case .edit: return (.author, ["channel": channel, "message": Int(ids["message"]!)!, "body": ""])
        case .delete: return (.ownOrManage, ["channel": channel, "message": Int(ids["message"]!)!])
        case .read: return (.memberWrite, ["channel": channel, "upTo": Int(ids["message"]!)!])
        case .ack: return (.membersOnly, ["channel": channel, "notice": Int(ids["notice"]!)!])
        }
    }

    /// Found by the matrix: these routes read their input before asking who calls, so a caller without a session, a bot
    /// outside the channel, or a member who may not see a section got a 400 about the input instead of 401 or 404.
    @Test func whoIsAskedBeforeTheInputIsJudged() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("admin@example.fi", global: .admin)
            try await t.person("member@example.fi")
            try await t.account("A10000", "Alfa Oy")
            try await t.account("B20000", "Beeta Oy")
            try await t.member("A10000", "member@example.fi", .accountDirector)
            try await t.person("supervisor@example.fi")
            try await t.member("A10000", "supervisor@example.fi", .supervisor)
            let anonymous = server.session()
            let member = try await server.signedIn("member@example.fi")
            let admin = try await server.signedIn("admin@example.fi")

            #expect(try await anonymous.request(.post, "/api/accounts", json: [String: Any]()).status == .unauthorized)
            #expect(try await member.request(.post, "/api/accounts", json: [String: Any]()).status == .forbidden)
            #expect(try await admin.request(.post, "/api/accounts", json: [String: Any]()).status == .badRequest)

            #expect(try await anonymous.get("/api/search").status == .unauthorized)
            #expect(try await member.get("/api/search").status == .badRequest)

            // A section the caller may not see is 404 whatever the diff's query says.
            let supervisor = try await server.signedIn("supervisor@example.fi")
            #expect(try await supervisor.get("/api/accounts/A10000/sections/billing/diff?from=x").status == .notFound)
            #expect(try await supervisor.get("/api/accounts/A10000/sections/overview/diff?from=x&to=0").errorCode == "invalid_input")
            #expect(try await member.get("/api/accounts/A10000/sections/billing/diff?from=0").errorCode == "invalid_input")
            #expect(try await member.get("/api/accounts/A10000/sections/billing/diff?from=0&to=0").status == .ok)

            let created = try await admin.request(.post, "/api/admin/bots", json: ["name": "Raportoija", "channels": ["A10000"]])
            let bot: HTTPFields = [.authorization: "Bearer \(try #require(try created.json()["token"] as? String))"]
            let elsewhere = try await anonymous.request(.post, "/api/bot/channels/B20000/messages", json: [String: Any](), headers: bot)
            #expect(elsewhere.status == .notFound)
            #expect(try await anonymous.request(.post, "/api/bot/channels/NOPE/messages", json: [String: Any](), headers: bot).status == .notFound)
            #expect(try await anonymous.request(.post, "/api/bot/channels/A10000/messages", json: [String: Any](), headers: bot).status == .badRequest)
        }
    }

    @Test func everyRouteAndFrameTypeAgainstEveryPrincipal() async throws {
        let registered = try await OpenAPITests.registeredRoutes()
        let missing = registered.subtracting(Self.routes.keys)
        #expect(missing.isEmpty, "registered routes without an entry in AccessMatrixTests.routes: \(missing.sorted().joined(separator: ", "))")
        let stale = Set(Self.routes.keys).subtracting(registered)
        #expect(stale.isEmpty, "AccessMatrixTests.routes names routes that are not registered: \(stale.sorted().joined(separator: ", "))")

        try await withServer { server in
            let matrix = try await Matrix(server)
            var mismatches: [String] = []
            // Sign-out ends the sessions, so it goes last; requests that use up objects use fresh ones.
            let order = registered.intersection(Self.routes.keys).sorted { a, b in
                (a == "POST /api/auth/sign-out" ? 1 : 0, a) < (b == "POST /api/auth/sign-out" ? 1 : 0, b)
            }
            for route in order where route != "POST /api/auth/sign-out" {
                mismatches += try await matrix.check(route, Self.routes[route]!)
            }
            for probe in Self.probes {
                #expect(registered.contains(probe.route), "a probe of a route that is not registered: \(probe.route)")
                mismatches += try await matrix.check(probe.route, probe.access)
            }
            mismatches += try await matrix.checkWebSocket()
            mismatches += try await matrix.check("POST /api/auth/sign-out", Self.routes["POST /api/auth/sign-out"]!)
            #expect(mismatches.isEmpty, "access matrix mismatches (route, principal: expected → got):\n\(mismatches.joined(separator: "\n"))")
        }
    }
}

/// The server's fixture: account A with one object of every kind, account B, and a session or token per principal.
private struct Matrix {
    let server: TestServer
    var sessions: [Who: HTTPSession] = [:]
    var tokens: [Who: String] = [:]
    /// Path parameters of account A's fixture objects.
    var ids: [String: String] = [:]

    private var admin: HTTPSession { sessions[.admin]! }
    private var supervisor: HTTPSession { sessions[.supervisor]! }

    init(_ server: TestServer) async throws {
        self.server = server
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        let emails: [Who: String] = [
            .admin: "admin@example.fi", .board: "board@example.fi", .director: "director@example.fi",
            .otherDirector: "director-b@example.fi", .supervisor: "supervisor@example.fi",
            .otherSupervisor: "supervisor-b@example.fi", .removed: "removed@example.fi",
        ]
        try await t.person(emails[.admin]!, "Pääkäyttäjä", global: .admin)
        try await t.person(emails[.board]!, "Hilkka Hallitus", global: .board)
        for who in [Who.director, .otherDirector, .supervisor, .otherSupervisor, .removed] { try await t.person(emails[who]!, who.rawValue) }
        try await t.account("A10000", "Alfa Oy", start: "2025-05-01")
        try await t.account("B20000", "Beeta Oy", start: "2025-05-01")
        try await t.member("A10000", emails[.director]!, .accountDirector)
        try await t.member("A10000", emails[.supervisor]!, .supervisor)
        try await t.person("peer@example.fi", "Pirjo Vertainen")
        let peer = try await t.member("A10000", "peer@example.fi", .supervisor)
        let removed = try await t.member("A10000", emails[.removed]!, .supervisor)
        try await t.member("B20000", emails[.otherDirector]!, .accountDirector)
        try await t.member("B20000", emails[.otherSupervisor]!, .supervisor)
        for (who, email) in emails { sessions[who] = try await server.signedIn(email) }
        try await server.kanava.accounts.removeMember(try AccountID.parse("A10000"), person: removed.person.id, by: TestInstallation.system)
        sessions[.anonymous] = server.session()

        ids["account"] = "A10000"
        ids["template"] = "takeover"
        ids["month"] = "2026-03"
        ids["version"] = "1"
        ids["date"] = "2026-01-15"
        ids["section"] = "overview"
        let session = try await supervisor.get("/api/session").json()
        ids["person"] = String((session["person"] as? [String: Any])?["id"] as? Int ?? 0)
        try await make(admin, .put, "/api/accounts/A10000/sections/overview", ["body": "# Yleistä", "baseRevision": 0])

        ids["document"] = try await fresh(.document)
        ids["memo"] = try await fresh(.memo)
        ids["event"] = try await fresh(.clockEvent)
        ids["bucket"] = try await fresh(.bucket)
        let task = try await make(admin, .post, "/api/accounts/A10000/planner/tasks", [
            "bucket": Int(ids["bucket"]!)!, "title": "Katselmus", "checklist": [["text": "Avaimet"]],
        ])
        ids["task"] = try task.id(of: "task")
        ids["item"] = String((((try task.json()["task"] as? [String: Any])?["checklist"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0)
        ids["wrongSecret"] = String(repeating: "x", count: 43)
        ids["restrictedSection"] = "billing"
        ids["restrictedDocument"] = try await make(admin, .post, "/api/accounts/A10000/sections/billing/documents", body: Data("Hinnasto\n".utf8),
                                                   headers: [.contentType: "text/plain", HTTPField.Name("X-File-Name")!: "hinnasto.txt"]).id(of: "document")
        ids["feedback"] = try await fresh(.feedback)
        // The peer asks the director privately: neither the conversation nor its messages are the supervisor's.
        ids["peer"] = String(peer.person.id.rawValue)
        let asked = try await make(try await server.signedIn("peer@example.fi"), .post, "/api/accounts/A10000/messages",
                                   ["body": "Kysymys johtajalle", "privateWith": peer.person.id.rawValue])
        ids["privateMessage"] = try asked.id(of: "message")
        ids["message"] = try await fresh(.message)
        ids["notice"] = try await fresh(.notice)
        let hook = try await make(admin, .post, "/api/accounts/A10000/webhooks", ["name": "Valvonta"])
        ids["webhook"] = try hook.id(of: "webhook")
        ids["secret"] = (try hook.json()["url"] as? String)?.split(separator: "/").last.map(String.init)

        let director = sessions[.director]!
        try await make(director, .put, "/api/accounts/A10000/cards/2026-03", ["status": "green", "summary": "Hyvin menee."])
        try await make(director, .post, "/api/accounts/A10000/cards/2026-03/submit", ["version": 1])

        for (who, channel) in [(Who.bot, "A10000"), (.botElsewhere, "B20000")] {
            let bot = try await make(admin, .post, "/api/admin/bots", ["name": who.rawValue, "channels": [channel]])
            tokens[who] = try bot.json()["token"] as? String
            if who == .bot { ids["bot"] = try bot.id(of: "bot") }
        }
        let csv = Data("account_id;account_name\nA1;Ei riittävästi sarakkeita\n".utf8)
        try await make(admin, .post, "/api/admin/roster/sync", body: csv, headers: [.contentType: "text/csv"])
        let syncs = try await admin.get("/api/admin/roster/syncs").json()
        ids["id"] = String(((syncs["syncs"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0)
    }

    /// A fixture object made through the API; the request must succeed.
    @discardableResult
    private func make(
        _ session: HTTPSession, _ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]? = nil,
        body: Data? = nil, headers: HTTPFields = [:]
    ) async throws -> HTTPSession.Response {
        let response = json != nil ? try await session.request(method, path, json: json!, headers: headers)
            : try await session.request(method, path, body: body, headers: headers)
        guard (200..<300).contains(response.status.code) else { throw TestFailure("fixture \(method) \(path): \(response.status) \(response.text.prefix(300))") }
        return response
    }

    /// A new object of account A, by the admin (the supervisor's own for messages and feedback); its path parameter.
    func fresh(_ kind: Throwaway) async throws -> String {
        let a = "/api/accounts/A10000"
        switch kind {
        case .member:
            let person = try await server.installation.person("spare-\(UUID().uuidString.prefix(8))@example.fi", "Varahenkilö")
            try await server.installation.member("A10000", person.email, .instructor)
            return String(person.id.rawValue)
        case .document:
            return try await make(admin, .post, "\(a)/sections/contracts/documents", body: Data("Sopimus\n".utf8),
                                  headers: [.contentType: "text/plain", HTTPField.Name("X-File-Name")!: "sopimus.txt"]).id(of: "document")
        case .memo:
            return try await make(admin, .post, "\(a)/memos", ["title": "Ohjausryhmä", "meetingDate": "2026-03-09"]).id(of: "memo")
        case .clockEvent:
            return try await make(admin, .post, "\(a)/clock/events", [
                "title": "Laatukäynti", "kind": "quality_visit", "owner": "regional_director", "start": "2026-01-15", "recurrence": "FREQ=MONTHLY",
            ]).id(of: "event")
        case .bucket:
            return try await make(admin, .post, "\(a)/planner/buckets", ["name": "Omat \(UUID().uuidString.prefix(4))"]).id(of: "bucket")
        case .task:
            return try await make(admin, .post, "\(a)/planner/tasks", ["bucket": Int(ids["bucket"]!)!, "title": "Kertakäyttöinen"]).id(of: "task")
        case .feedback:
            return try await make(supervisor, .post, "\(a)/feedback", ["kind": "idea", "body": "Avainkaappi"]).id(of: "item")
        case .message:
            return try await make(supervisor, .post, "\(a)/messages", ["body": "Hei"]).id(of: "message")
        case .notice:
            return try await make(admin, .post, "\(a)/notices", ["priority": "important", "title": "Tiedote", "body": "Teksti"]).id(of: "notice")
        case .bot:
            return try await make(admin, .post, "/api/admin/bots", ["name": "Kertakäyttö", "channels": ["A10000"]]).id(of: "bot")
        case .webhook:
            return try await make(admin, .post, "\(a)/webhooks", ["name": "Kertakäyttö"]).id(of: "webhook")
        }
    }

    /// `who`'s request, with their session (cookie and CSRF token) or bot token.
    func request(_ who: Who, _ method: HTTPRequest.Method, _ path: String, body: String?) async throws -> HTTPSession.Response {
        let session = sessions[who] ?? server.session()
        var headers: HTTPFields = [:]
        if let token = tokens[who] { headers[.authorization] = "Bearer \(token)" }
        return try await session.request(method, path, body: body.map { Data($0.utf8) }, headers: headers)
    }

    /// Calls `route` as every principal and lists where the outcome is not the rule's.
    func check(_ route: String, _ access: RouteAccess) async throws -> [String] {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = HTTPRequest.Method(parts[0])!
        let body = access.body ?? ([.get, .delete].contains(method) ? nil : "{}")
        var mismatches: [String] = []
        for who in Who.allCases {
            var params = ids
            for (name, key) in access.params { params[name] = ids[key] }
            if let kind = access.fresh { params[kind.param] = try await fresh(kind) }
            if route == "GET /calendar/{secret}.ics", access.params["secret"] == nil { params["secret"] = try await calendarSecret() }
            var path = parts[1]
            for (name, value) in params { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
            let response = try await request(who, method, path, body: body)
            let expected = access.rule.outcome(for: who)
            let got = Outcome(status: Int(response.status.code))
            if response.status.code >= 500 || got != expected {
                mismatches.append("\(route), \(who): \(expected) → \(response.status.code) \(response.text.prefix(160))")
            }
        }
        return mismatches
    }

    /// The supervisor's calendar feed secret, made anew each time (`DELETE /api/me/calendar-feed` may have run).
    private func calendarSecret() async throws -> String {
        let feed = try await make(supervisor, .post, "/api/me/calendar-feed")
        guard let url = try feed.json()["url"] as? String, let last = url.split(separator: "/").last else { throw TestFailure("no feed URL") }
        return String(last.dropLast(".ics".count))
    }

    /// Every client → server frame type as every principal; anonymous callers and bots cannot open a socket.
    func checkWebSocket() async throws -> [String] {
        var mismatches: [String] = []
        let origin = "http://127.0.0.1:\(server.port)"
        for who in Who.allCases where !who.isPerson {
            var headers: HTTPFields = [
                .origin: origin, .upgrade: "websocket", .connection: "Upgrade",
                .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
            ]
            if let token = tokens[who] { headers[.authorization] = "Bearer \(token)" }
            // The framework answers a refused upgrade with an empty 400 (WebSocketTests); the reason is the 401 of the
            // plain `GET /ws` in the REST table.
            let status = try await server.session().request(.get, "/ws", body: nil, headers: headers).status
            if status == .switchingProtocols { mismatches.append("GET /ws handshake, \(who): refused → 101") }
        }
        for who in Who.allCases where who.isPerson {
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: sessions[who]!.cookie)
            for type in ClientRequestType.allCases {
                var params = ids
                if type == .delete { params["message"] = try await fresh(.message) }
                let (rule, fields) = AccessMatrixTests.frame(type, params)
                let id = try client.send(type.rawValue, fields)
                let reply = try await client.reply(to: id).reply
                var error = reply["error"] as? [String: Any]
                if type == .subscribe { error = ((reply["result"] as? [String: Any])?["channels"] as? [[String: Any]])?.first?["error"] as? [String: Any] }
                let code = error?["code"] as? String
                let got: Outcome = switch code {
                case "unauthenticated": .denied(401)
                case "forbidden": .denied(403)
                case "not_found": .denied(404)
                default: .allowed
                }
                let expected = rule.outcome(for: who)
                if got != expected || code == "internal" {
                    mismatches.append("ws \(type.rawValue), \(who): \(expected) → \(code ?? "ok") \(error?["message"] as? String ?? "")")
                }
            }
            await client.close()
        }
        return mismatches
    }
}
