import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Quality cards over HTTP and the WebSocket: who may read, save and submit an account's card and see the board
/// overview; the board reads cards without seeing anything else of a channel; card events reach only the director.
@Suite struct QualityCardHTTPTests {
    /// A1 with director Jaana and supervisor Ville; B2 with director Toini; Muu in no channel; a board member; an admin.
    /// The clock reads noon, 10 April 2026 in Finland.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-04-10T09:00:00Z")!)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.person("toinen@example.fi", "Toini Toinen")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.person("hallitus@example.fi", "Hilkka Hallitus", global: .board)
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("B2", "Beeta Oy")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("B2", "toinen@example.fi", .accountDirector)
    }

    private func head(_ server: TestServer) async throws -> Int64 {
        try #require(try await server.kanava.store.accountSummary(AccountID(rawValue: "A1")!, viewer: nil)).head
    }

    private func versions(_ server: TestServer) async throws -> [QualityCardVersion] {
        try await server.kanava.store.qualityCardVersions(in: AccountID(rawValue: "A1")!, month: CardMonth(year: 2026, month: 3)!)
    }

    @Test func whoMayReadSaveAndSubmitACardAndSeeTheBoardOverview() async throws {
        try await withServer { server in
            try await setUp(server)
            struct Row {
                var who: String
                var email: String
                var read: HTTPResponse.Status
                var save: HTTPResponse.Status
                var submit: HTTPResponse.Status
                var board: HTTPResponse.Status
            }
            // The director and the admin first: each saves a new version and submits it, so the board has one to read.
            let table = [
                Row(who: "director of A1", email: "johtaja@example.fi", read: .ok, save: .ok, submit: .ok, board: .forbidden),
                Row(who: "admin", email: "admin@example.fi", read: .ok, save: .ok, submit: .ok, board: .ok),
                Row(who: "board", email: "hallitus@example.fi", read: .ok, save: .forbidden, submit: .forbidden, board: .ok),
                Row(who: "director of B2", email: "toinen@example.fi", read: .notFound, save: .notFound, submit: .notFound, board: .forbidden),
                Row(who: "supervisor of A1", email: "esimies@example.fi", read: .notFound, save: .notFound, submit: .notFound, board: .forbidden),
                Row(who: "member of nothing", email: "muu@example.fi", read: .notFound, save: .notFound, submit: .notFound, board: .forbidden),
            ]
            let path = "/api/accounts/A1/cards/2026-03"
            for row in table {
                let session = try await server.signedIn(row.email)
                let before = try await versions(server)
                let headBefore = try await head(server)

                let saved = try await session.request(.put, path, json: ["status": "green", "summary": "Tallentanut: \(row.who)", "customerSatisfaction": 4.3])
                #expect(saved.status == row.save, "\(row.who) save: \(saved.text)")
                let version = saved.status == .ok ? try #require(try saved.json().value("card", "version") as? Int) : (before.last?.version ?? 1)
                let submitted = try await session.request(.post, path + "/submit", json: ["version": version])
                #expect(submitted.status == row.submit, "\(row.who) submit: \(submitted.text)")
                if row.save != .ok {
                    #expect(try await versions(server) == before, "\(row.who) changed nothing")
                    #expect(try await head(server) == headBefore, "\(row.who) appended no event")
                }
                let read = try await session.get(path)
                #expect(read.status == row.read, "\(row.who) read: \(read.text)")
                if read.status == .ok { #expect(try read.json().value("card", "state") as? String == "submitted") }
                #expect(try await session.get(path + "/versions").status == row.read, "\(row.who) versions")
                let board = try await session.get("/api/board/cards?month=2026-03")
                #expect(board.status == row.board, "\(row.who) board: \(board.text)")
                // Denials look the same as for an account that does not exist.
                if row.read == .notFound {
                    #expect(read.errorCode == "not_found")
                    #expect(try await session.get("/api/accounts/NOPE/cards/2026-03").text == read.text.replacingOccurrences(of: "A1", with: "NOPE"))
                }
            }
            // Two versions: the director's, superseded by the admin's.
            #expect(try await versions(server).map(\.state) == [.superseded, .submitted])
            #expect(try await versions(server).last?.submittedBy?.name == "Pääkäyttäjä")
        }
    }

    @Test func theBoardSeesEveryCardButNoChannelContent() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let board = try await server.signedIn("hallitus@example.fi")
            let saved = try await director.request(.put, "/api/accounts/A1/cards/2026-04", json: [
                "status": "yellow", "summary": "Kaksi vaihdosta.\r\nRekrytointi käynnissä.", "asks": "Apua rekrytointiin.", "customerSatisfaction": 4.1,
                "auditScore": 92.5, "openComplaints": 2, "monthlyBilling": 12_345.67,
            ])
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.text.contains("\"monthlyBilling\":12345.67"), "euros written as an exact decimal: \(saved.text)")
            #expect(try saved.json().value("card", "summary") as? String == "Kaksi vaihdosta.\nRekrytointi käynnissä.")
            #expect(try saved.json().value("figures", "supervisors") as? Int == 1)
            #expect(try await board.get("/api/accounts/A1/cards/2026-04").status == .notFound, "a draft is not the board's")
            #expect(try await director.request(.post, "/api/accounts/A1/cards/2026-04/submit", json: ["version": 1]).status == .ok)

            let overview = try await board.get("/api/board/cards?month=2026-04")
            #expect(overview.status == .ok)
            let accounts = try #require(try overview.json()["accounts"] as? [[String: Any]])
            #expect(accounts.compactMap { $0.value("account", "name") as? String } == ["Beeta Oy", "Östra kiinteistö Ab"])
            let a1 = try #require(accounts.last)
            #expect(a1.value("card", "status") as? String == "yellow")
            #expect(a1.value("card", "version") as? Int == 1)
            #expect(a1.value("director", "name") as? String == "Jaana Järvinen")
            #expect((a1["trend"] as? [[String: Any]])?.count == 12)
            #expect((a1["trend"] as? [[String: Any]])?.last?["customerSatisfaction"] as? Double == 4.1)
            #expect(accounts.first?["card"] == nil)
            #expect(try await board.get("/api/accounts/A1/cards/2026-04").json().value("card", "asks") as? String == "Apua rekrytointiin.")

            // Nothing else of the channel: the account, its sections, chat, notices, clock, events, members.
            for path in ["/api/accounts/A1", "/api/accounts/A1/sections", "/api/accounts/A1/sections/quality-card", "/api/accounts/A1/messages",
                         "/api/accounts/A1/notices", "/api/accounts/A1/clock", "/api/accounts/A1/events?after=0", "/api/accounts/A1/memos"] {
                let response = try await board.get(path)
                #expect(response.status == .notFound, "\(path): \(response.status)")
                #expect(response.errorCode == "not_found")
            }
            #expect(try await board.request(.post, "/api/accounts/A1/messages", json: ["body": "Hei"]).status == .notFound)
            #expect((try await board.get("/api/accounts").json()["accounts"] as? [Any])?.isEmpty == true, "no channels listed")
            let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: board.cookie)
            let reply = try await socket.reply(to: try socket.subscribe([("A1", nil)])).reply
            let result = (reply.value("result", "channels") as? [[String: Any]])?.first
            #expect(result?.value("error", "code") as? String == "not_found")
            await socket.close()
        }
    }

    @Test func cardEventsReachTheDirectorAndAdminsOnlyAndTheChannelIsOtherwiseUnaffected() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let admin = try await server.signedIn("admin@example.fi")
            var sockets: [String: WSTestClient] = [:]
            for (name, session) in [("director", director), ("supervisor", supervisor), ("admin", admin)] {
                let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: session.cookie)
                _ = try await socket.reply(to: try socket.subscribe([("A1", nil)]))
                sockets[name] = socket
            }
            #expect(try await director.request(.put, "/api/accounts/A1/cards/2026-04", json: ["status": "green"]).status == .ok)
            #expect(try await director.request(.post, "/api/accounts/A1/cards/2026-04/submit", json: ["version": 1]).status == .ok)
            for name in ["director", "admin"] {
                let socket = try #require(sockets[name])
                let saved = try await socket.next(where: { $0["kind"] as? String == "card.saved" }).match
                #expect(saved.value("data", "version") as? Int == 1)
                #expect(saved.value("data", "state") as? String == "draft")
                let submitted = try await socket.next(where: { $0["kind"] as? String == "card.submitted" }).match
                #expect(submitted.value("data", "state") as? String == "submitted")
                #expect(submitted.value("data", "figures", "supervisors") as? Int == 1)
            }
            // The supervisor hears nothing of the card, but the channel's other events as before; the quality-card
            // section's own text is theirs to read.
            let supervisorSocket = try #require(sockets["supervisor"])
            #expect(try await director.request(.post, "/api/accounts/A1/messages", json: ["body": "Hyvää viikkoa"]).status == .created)
            let next = try await supervisorSocket.next(where: { $0["type"] as? String == "event" }).match
            #expect(next["kind"] as? String == "message.posted")
            #expect(try await supervisor.get("/api/accounts/A1/sections/quality-card").status == .ok)
            #expect(try await supervisor.get("/api/accounts/A1/events?after=0").text.contains("card.") == false)
            #expect(try await director.get("/api/accounts/A1/events?after=0").text.contains("card.submitted"))
            for socket in sockets.values { await socket.close() }
        }
    }

    @Test func badInputGetsAClearErrorAndChangesNothing() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            #expect(try await director.request(.put, "/api/accounts/A1/cards/2026-03", json: ["status": "green"]).status == .ok)
            let before = try await versions(server)
            let headBefore = try await head(server)
            let cases: [(String, String, Any, String, String)] = [
                ("PUT", "2026-05", ["summary": "x"], "invalid_input", "month: 2026-05 has not begun"),
                ("PUT", "2026-3", ["summary": "x"], "invalid_input", "month: '2026-3' is not a month"),
                ("PUT", "2026-03", ["customerSatisfaction": 6], "invalid_input", "customerSatisfaction: must be a score 1.0–5.0"),
                ("PUT", "2026-03", ["customerSatisfaction": "4,5"], "bad_request", "customerSatisfaction: expected a number"),
                ("PUT", "2026-03", ["auditScore": 101], "invalid_input", "auditScore: must be a percentage 0–100"),
                ("PUT", "2026-03", ["openComplaints": 2.5], "invalid_input", "openComplaints: must be a whole number 0–10 000"),
                ("PUT", "2026-03", ["openComplaints": 10_001], "invalid_input", "openComplaints: must be a whole number 0–10 000"),
                ("PUT", "2026-03", ["monthlyBilling": 10.005], "invalid_input", "monthlyBilling: must be euros"),
                ("PUT", "2026-03", ["status": "blue"], "invalid_input", "status: 'blue' is not a status"),
                ("PUT", "2026-03", ["summary": String(repeating: "x", count: 2_001)], "invalid_input", "summary: must be at most 2000 characters"),
                ("PUT", "2026-03", ["score": 4], "bad_request", "unknown field 'score'"),
                ("POST", "2026-03", ["version": 0], "invalid_input", "version: must be the number"),
                ("POST", "2026-03", [:] as [String: Any], "bad_request", "version: is required"),
                ("POST", "2026-05", ["version": 1], "invalid_input", "month: 2026-05 has not begun"),
            ]
            for (method, month, body, code, message) in cases {
                let path = "/api/accounts/A1/cards/\(month)" + (method == "POST" ? "/submit" : "")
                let response = try await director.request(method == "POST" ? .post : .put, path, json: body)
                #expect(response.status == .badRequest, "\(method) \(month) \(body): \(response.status) \(response.text)")
                #expect(response.errorCode == code, "\(response.text)")
                let text = try response.json().value("error", "message") as? String ?? ""
                #expect(text.hasPrefix(message), "\(text)")
            }
            #expect(try await director.get("/api/accounts/A1/cards/2099-01").status == .badRequest)
            #expect(try await director.get("/api/board/cards?month=2026-05").status == .forbidden, "the director is not the board")

            // Submitting twice: the second is 409 already_submitted and changes nothing.
            #expect(try await director.request(.post, "/api/accounts/A1/cards/2026-03/submit", json: ["version": 1]).status == .ok)
            let afterSubmit = try await versions(server)
            let headAfterSubmit = try await head(server)
            let twice = try await director.request(.post, "/api/accounts/A1/cards/2026-03/submit", json: ["version": 1])
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "already_submitted")
            #expect(try await versions(server) == afterSubmit)
            #expect(try await head(server) == headAfterSubmit)
            #expect(before.count == 1 && headAfterSubmit == headBefore + 1, "only the submit wrote")
        }
    }
}
