import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The feedback box and the activity list over HTTP and the WebSocket: who may do what, anonymity, bad input.
@Suite struct FeedbackHTTPTests {
    /// A1 with a director, two supervisors and a regional director; B2 with an outsider as its director; an admin.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("ville@example.fi", "Ville Mäkinen")
        try await t.person("aino@example.fi", "Aino Aalto")
        try await t.person("alue@example.fi", "Eino Laine")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "ville@example.fi", .supervisor)
        try await t.member("A1", "aino@example.fi", .supervisor)
        try await t.member("A1", "alue@example.fi", .regionalDirector)
        try await t.member("B2", "muu@example.fi", .accountDirector)
    }

    private func items(_ session: HTTPSession, _ query: String = "") async throws -> [[String: Any]] {
        try #require(try await session.get("/api/accounts/A1/feedback\(query)").json()["items"] as? [[String: Any]])
    }

    /// Every string and number anywhere in a JSON value, and every key (to look for a leaked author).
    private func contents(_ value: Any?) -> [String] {
        switch value {
        case let object as [String: Any]: object.flatMap { [$0.key] + contents($0.value) }
        case let array as [Any]: array.flatMap(contents)
        case let text as String: [text]
        default: []
        }
    }

    @Test func membersPostTheDirectorAnswersAndRolesAreChecked() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let author = try await server.signedIn("ville@example.fi")
            let colleague = try await server.signedIn("aino@example.fi")
            let regional = try await server.signedIn("alue@example.fi")
            let outsider = try await server.signedIn("muu@example.fi")
            let admin = try await server.signedIn("admin@example.fi")

            let posted = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "feedback", "body": "Avaimet katoavat", "anonymous": true])
            #expect(posted.status == .created, "\(posted.text)")
            let id = try #require(try posted.json().value("item", "id") as? Int)
            #expect(try posted.json().value("item", "author", "name") as? String == "Ville Mäkinen")
            #expect(try posted.json().value("item", "mine") as? Bool == true)
            #expect(try posted.json().value("item", "canEdit") as? Bool == true)

            // Other members see the item without its author; the director and admins with it.
            let seen = try #require(try await items(colleague).first)
            #expect(seen["author"] == nil && seen["anonymous"] as? Bool == true && seen["mine"] as? Bool == false)
            #expect(try await items(regional).first?["author"] == nil)
            #expect(try await director.get("/api/accounts/A1/feedback/\(id)").json().value("item", "author", "email") as? String == "ville@example.fi")
            #expect(try await admin.get("/api/accounts/A1/feedback/\(id)").json().value("item", "author", "name") as? String == "Ville Mäkinen")
            #expect(try await colleague.get("/api/accounts/A1/feedback").json()["canAnswer"] as? Bool == false)
            #expect(try await director.get("/api/accounts/A1/feedback").json()["canAnswer"] as? Bool == true)

            // Non-members get 404 for everything; members who are not the director 403 on answers.
            let answer: [String: Any] = ["body": "Selvitän", "status": "in_progress"]
            #expect(try await outsider.get("/api/accounts/A1/feedback").status == .notFound)
            #expect(try await outsider.get("/api/accounts/A1/feedback/\(id)").status == .notFound)
            #expect(try await outsider.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "x"]).status == .notFound)
            #expect(try await outsider.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: answer).status == .notFound)
            #expect(try await outsider.request(.delete, "/api/accounts/A1/feedback/\(id)").status == .notFound)
            #expect(try await colleague.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: answer).status == .forbidden)
            #expect(try await author.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: answer).status == .forbidden)
            #expect(try await regional.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: answer).status == .forbidden)
            #expect(try await colleague.request(.patch, "/api/accounts/A1/feedback/\(id)", json: ["body": "x"]).status == .forbidden)
            #expect(try await colleague.request(.delete, "/api/accounts/A1/feedback/\(id)").status == .forbidden)
            #expect(try await outsider.get("/api/accounts/B2/feedback/\(id)").status == .notFound, "not through another channel")

            let answered = try await director.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: answer)
            #expect(answered.status == .created, "\(answered.text)")
            #expect(try answered.json().value("item", "status") as? String == "in_progress")
            let replies = try #require(try answered.json().value("item", "replies") as? [[String: Any]])
            #expect(replies.count == 1 && replies[0]["status"] as? String == "in_progress" && replies[0].value("author", "name") as? String == "Jaana Järvinen")
            #expect(try await admin.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: ["status": "done"]).status == .created)
            let afterwards = try #require(try await items(author).first)
            #expect(afterwards["status"] as? String == "done" && (afterwards["replies"] as? [Any])?.count == 2 && afterwards["canEdit"] as? Bool == false)
            #expect(try await author.request(.patch, "/api/accounts/A1/feedback/\(id)", json: ["body": "myöhässä"]).status == .conflict)
            #expect(try await author.request(.delete, "/api/accounts/A1/feedback/\(id)").status == .conflict)

            // A new item: its author edits and withdraws it.
            let idea = try await colleague.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Yhteinen avainkaappi"])
            let ideaID = try #require(try idea.json().value("item", "id") as? Int)
            let edited = try await colleague.request(.patch, "/api/accounts/A1/feedback/\(ideaID)", json: ["body": "Yhteinen avainkaappi eteiseen"])
            #expect(edited.status == .ok)
            #expect(try edited.json().value("item", "body") as? String == "Yhteinen avainkaappi eteiseen")
            #expect(try await colleague.request(.patch, "/api/accounts/A1/feedback/\(ideaID)", json: ["anonymous": true]).status == .badRequest)
            #expect(try await director.request(.delete, "/api/accounts/A1/feedback/\(ideaID)").status == .forbidden)
            #expect(try await colleague.request(.delete, "/api/accounts/A1/feedback/\(ideaID)").status == .noContent)
            #expect(try await colleague.get("/api/accounts/A1/feedback/\(ideaID)").status == .notFound)

            // Filtering by status.
            #expect(try await items(author, "?status=done").count == 1)
            #expect(try await items(author, "?status=new").isEmpty)
            #expect(try await author.get("/api/accounts/A1/feedback").json()["counts"] as? [String: Int] == ["new": 0, "in_progress": 0, "done": 1, "declined": 0])
        }
    }

    @Test func badInputIsRefusedNamingTheProblemAndChangesNothing() async throws {
        try await withServer { server in
            try await setUp(server)
            let author = try await server.signedIn("ville@example.fi")
            let director = try await server.signedIn("johtaja@example.fi")
            let head = try await server.kanava.store.head(of: AccountID(rawValue: "A1")!)
            let bad: [([String: Any], String)] = [
                (["kind": "feedback", "body": String(repeating: "ö", count: 4_001)], "body: must be at most 4000 characters"),
                (["kind": "feedback", "body": "   "], "body: must not be empty"),
                (["kind": "complaint", "body": "x"], "kind: must be one of feedback, idea"),
                (["body": "x"], "kind: is required"),
                (["kind": "idea", "body": "x", "author": "Joku"], "unknown field 'author'"),
                (["kind": "idea", "body": 5], "body: expected text"),
                (["kind": "idea", "body": "x", "anonymous": "yes"], "anonymous: expected true or false"),
            ]
            for (body, message) in bad {
                let response = try await author.request(.post, "/api/accounts/A1/feedback", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.status)")
                #expect((try? response.json().value("error", "message") as? String)?.contains(message) == true, "\(response.text)")
            }
            for query in ["?status=closed", "?limit=0", "?limit=101", "?limit=x", "?before=-1"] {
                #expect(try await author.get("/api/accounts/A1/feedback\(query)").status == .badRequest, "\(query)")
            }
            #expect(try await server.kanava.store.head(of: AccountID(rawValue: "A1")!) == head)
            #expect(try await items(director).isEmpty)

            let item = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Hyvä idea"])
            let id = try #require(try item.json().value("item", "id") as? Int)
            for body in [["status": "closed"], ["body": String(repeating: "x", count: 4_001)], ["body": " "], ["status": "new"]] as [[String: Any]] {
                let response = try await director.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
            }
            #expect(try await director.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: ["status": "done"], headers: [:]).status == .created)
            #expect(try await director.request(.post, "/api/accounts/A1/feedback/999/replies", json: ["status": "done"]).status == .notFound)

            // The 21st item of the day is refused with when to try again.
            for index in 2...20 {
                #expect(try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Idea \(index)"]).status == .created)
            }
            let limited = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Idea 21"])
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") == 24 * 3600)
            #expect(try await items(director, "?limit=100").count == 20)
        }
    }

    @Test func anAnonymousItemsLiveEventsNeverNameItsAuthor() async throws {
        try await withServer { server in
            try await setUp(server)
            let author = try await server.signedIn("ville@example.fi")
            let director = try await server.signedIn("johtaja@example.fi")
            let sockets = [try await server.signedIn("aino@example.fi"), director]
            var clients: [WSTestClient] = []
            for session in sockets {
                let (client, _) = try await WSTestClient.connect(port: server.port, cookie: session.cookie)
                _ = try await client.reply(to: try client.subscribe([("A1", nil)]))
                clients.append(client)
            }
            let secrets = ["Ville", "Mäkinen", "ville@example.fi"]
            let authorID = try #require(try await author.get("/api/session").json().value("person", "id") as? Int)

            let posted = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "feedback", "body": "Johto ei kuuntele", "anonymous": true])
            let id = try #require(try posted.json().value("item", "id") as? Int)
            #expect(try await director.request(.post, "/api/accounts/A1/feedback/\(id)/replies", json: ["body": "Kuuntelen", "status": "in_progress"]).status == .created)
            for client in clients {
                let created = try await client.next(where: { $0["kind"] as? String == "feedback.created" }).match
                let answered = try await client.next(where: { $0["kind"] as? String == "feedback.answered" }).match
                #expect(created.value("data", "id") as? Int == id && created.value("data", "anonymous") as? Bool == true)
                #expect(answered.value("data", "status") as? String == "in_progress")
                #expect(answered.value("data", "reply", "author", "name") as? String == "Jaana Järvinen", "who answered is no secret")
                for frame in [created, answered] {
                    let words = contents(frame)
                    for secret in secrets { #expect(!words.contains { $0.contains(secret) }, "\(frame)") }
                    #expect(frame.value("data", "author") == nil)
                    #expect(frame.value("data", "reply", "author", "id") as? Int != authorID)
                }
            }
            // A named item's event names its author.
            _ = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Nimellä"])
            let named = try await clients[0].next(where: { $0["kind"] as? String == "feedback.created" }).match
            #expect(named.value("data", "author", "id") as? Int == authorID)
            for client in clients { await client.close() }
        }
    }

    @Test func theActivityListIsForDirectorsAndAdmins() async throws {
        try await withServer { server in
            try await setUp(server)
            let author = try await server.signedIn("ville@example.fi")
            _ = try await author.request(.post, "/api/accounts/A1/feedback", json: ["kind": "idea", "body": "Idea", "anonymous": true])
            _ = try await author.request(.post, "/api/accounts/A1/messages", json: ["body": "Hei kaikki"])

            let director = try await server.signedIn("johtaja@example.fi")
            let report = try await director.get("/api/activity?year=2026")
            #expect(report.status == .ok, "\(report.text)")
            let channels = try #require(try report.json()["channels"] as? [[String: Any]])
            #expect(channels.map { $0.value("account", "id") as? String } == ["A1"])
            let members = try #require(channels.first?["members"] as? [[String: Any]])
            #expect(members.count == 1)
            #expect(members.first?.value("person", "name") as? String == "Ville Mäkinen")
            #expect(members.first?["messages"] as? Int == 1 && members.first?["feedback"] as? Int == 1 && members.first?["total"] as? Int == 2)
            #expect(try await director.get("/api/activity").json()["year"] as? Int == 2026)

            let admin = try await server.signedIn("admin@example.fi")
            #expect((try await admin.get("/api/activity?year=2026").json()["channels"] as? [Any])?.count == 2)
            #expect(try await server.signedIn("muu@example.fi").get("/api/activity?year=2026").status == .ok)
            #expect(try await author.get("/api/activity?year=2026").status == .forbidden)
            #expect(try await server.signedIn("alue@example.fi").get("/api/activity?year=2026").status == .forbidden)
            #expect(try await server.session().get("/api/activity?year=2026").status == .unauthorized)
            for year in ["1999", "2027", "x"] {
                let refused = try await director.get("/api/activity?year=\(year)")
                #expect(refused.status == .badRequest && refused.text.contains("year"), "\(year): \(refused.text)")
            }
        }
    }
}
