import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The planner over HTTP: who may do what, live events on a real WebSocket, templates, the account list's overdue
/// figure, and bad input.
@Suite struct PlannerHTTPTests {
    /// A1 (starts 1 April 2026) with a director, a manager, a supervisor and a regional director; B2 with an outsider as
    /// its director; an admin. The clock reads noon, 10 March 2026 in Helsinki.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("paallikko@example.fi", "Pirjo Päällikkö")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.person("alue@example.fi", "Eino Laine")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab", start: "2026-04-01")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "paallikko@example.fi", .manager)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("A1", "alue@example.fi", .regionalDirector)
        try await t.member("B2", "muu@example.fi", .accountDirector)
    }

    private func personID(_ email: String, _ server: TestServer) async throws -> Int {
        Int(try #require(try await server.kanava.store.person(email: email)).id.rawValue)
    }

    private func board(_ session: HTTPSession) async throws -> [String: Any] {
        try await session.get("/api/accounts/A1/planner").json()
    }

    @Test func membersReadEditorsWriteTheAssigneeProgressesAndEveryChangeIsLive() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let manager = try await server.signedIn("paallikko@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let regional = try await server.signedIn("alue@example.fi")
            let outsider = try await server.signedIn("muu@example.fi")
            let watcher = try await server.signedIn("alue@example.fi")
            let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: watcher.cookie)
            _ = try await socket.reply(to: try socket.subscribe([("A1", nil)]))
            func live(_ kind: String) async throws -> [String: Any] {
                try await socket.next(where: { $0["kind"] as? String == kind }).match
            }
            let supervisorID = try await personID("esimies@example.fi", server)

            // Buckets: the director (and admins); others 403; outside the channel 404.
            let created = try await director.request(.post, "/api/accounts/A1/planner/buckets", json: ["name": "Tehtävät"])
            #expect(created.status == .created, "\(created.text)")
            let todo = try #require(try created.json().value("bucket", "id") as? Int)
            #expect(try await live("planner.bucket.created").value("data", "name") as? String == "Tehtävät")
            let doing = try #require(try await director.request(.post, "/api/accounts/A1/planner/buckets", json: ["name": "Käynnissä"]).json()
                .value("bucket", "id") as? Int)
            for session in [manager, supervisor, regional] {
                #expect(try await session.request(.post, "/api/accounts/A1/planner/buckets", json: ["name": "x"]).status == .forbidden)
            }
            #expect(try await outsider.request(.post, "/api/accounts/A1/planner/buckets", json: ["name": "x"]).status == .notFound)
            #expect(try await outsider.get("/api/accounts/A1/planner").status == .notFound)
            let renamed = try await director.request(.patch, "/api/accounts/A1/planner/buckets/\(doing)", json: ["name": "Työn alla"])
            #expect(try renamed.json().value("bucket", "name") as? String == "Työn alla")
            #expect(try await live("planner.bucket.updated").value("data", "id") as? Int == doing)

            // Tasks: directors, regional directors and managers (supervisors 403; outsiders 404).
            let task: [String: Any] = [
                "bucket": todo, "title": "Kohdekatselmus", "description": "Kaikki kohteet.", "assignee": supervisorID, "startDate": "2026-03-01",
                "dueDate": "2026-03-09", "labels": ["kohde"], "checklist": [["text": "Avaimet"], ["text": "Mittaukset", "done": true]],
            ]
            #expect(try await supervisor.request(.post, "/api/accounts/A1/planner/tasks", json: task).status == .forbidden)
            #expect(try await outsider.request(.post, "/api/accounts/A1/planner/tasks", json: task).status == .notFound)
            let made = try await manager.request(.post, "/api/accounts/A1/planner/tasks", json: task)
            #expect(made.status == .created, "\(made.text)")
            let taskID = try #require(try made.json().value("task", "id") as? Int)
            #expect(try made.json().value("task", "assignee", "name") as? String == "Ville Mäkinen")
            #expect(try made.json().value("task", "status") as? String == "not_started")
            let createdLive = try await live("planner.task.created")
            #expect(createdLive.value("data", "id") as? Int == taskID)
            #expect((createdLive.value("data", "checklist") as? [[String: Any]])?.count == 2)
            let itemID = try #require((try made.json().value("task", "checklist") as? [[String: Any]])?.first?["id"] as? Int)
            let second = try #require(try await regional.request(.post, "/api/accounts/A1/planner/tasks", json: ["bucket": todo, "title": "Raportti"])
                .json().value("task", "id") as? Int)

            // The supervisor reads the board (no editing rights) and, as the assignee, moves the task along.
            let seen = try await board(supervisor)
            #expect(seen["canManage"] as? Bool == false)
            #expect(seen["canEditTasks"] as? Bool == false)
            #expect(seen["asOf"] as? String == "2026-03-10")
            #expect((seen["buckets"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Tehtävät", "Työn alla"])
            #expect((seen["tasks"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Kohdekatselmus", "Raportti"])
            let progressed = try await supervisor.request(.patch, "/api/accounts/A1/planner/tasks/\(taskID)", json: ["status": "in_progress"])
            #expect(progressed.status == .ok, "\(progressed.text)")
            #expect(try await live("planner.task.updated").value("data", "status") as? String == "in_progress")
            #expect(try await supervisor.request(.patch, "/api/accounts/A1/planner/tasks/\(taskID)", json: ["title": "Oma"]).status == .forbidden)
            #expect(try await supervisor.request(.patch, "/api/accounts/A1/planner/tasks/\(second)", json: ["status": "done"]).status == .forbidden)
            let ticked = try await supervisor.request(.put, "/api/accounts/A1/planner/tasks/\(taskID)/checklist/\(itemID)", json: ["done": true])
            #expect(ticked.status == .ok, "\(ticked.text)")
            #expect((try ticked.json().value("task", "checklist") as? [[String: Any]])?.first?["done"] as? Bool == true)
            _ = try await live("planner.task.updated")

            // Moving: to the other bucket's top; the event carries both buckets' order.
            #expect(try await supervisor.request(.post, "/api/accounts/A1/planner/tasks/\(taskID)/move", json: ["bucket": doing, "index": 0]).status == .forbidden)
            let moved = try await director.request(.post, "/api/accounts/A1/planner/tasks/\(taskID)/move", json: ["bucket": doing, "index": 0])
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(try moved.json().value("task", "bucket") as? Int == doing)
            let movedLive = try await live("planner.task.moved")
            #expect(movedLive.value("data", "from") as? Int == todo)
            let order = try #require(movedLive.value("data", "order") as? [[String: Any]])
            #expect(order.map { $0["bucket"] as? Int } == [todo, doing])
            #expect(order.map { $0["tasks"] as? [Int] } == [[second], [taskID]])
            // Another channel's bucket is not found.
            let otherBucket = try await server.kanava.planner.createBucket(AccountID(rawValue: "B2")!, name: "Muu", by: TestInstallation.system)
            #expect(try await director.request(.post, "/api/accounts/A1/planner/tasks/\(taskID)/move", json: ["bucket": otherBucket.id.rawValue, "index": 0])
                .status == .notFound)

            // Comments: any member.
            let comment = try await supervisor.request(.post, "/api/accounts/A1/planner/tasks/\(taskID)/comments", json: ["body": "Avaimet haettu."])
            #expect(comment.status == .created, "\(comment.text)")
            let commentLive = try await live("planner.comment.added")
            #expect(commentLive.value("data", "comment", "body") as? String == "Avaimet haettu.")
            #expect(commentLive.value("data", "commentCount") as? Int == 1)
            let detail = try await regional.get("/api/accounts/A1/planner/tasks/\(taskID)").json()
            #expect(detail["canEdit"] as? Bool == true)
            #expect((detail["comments"] as? [[String: Any]])?.first?.value("author", "name") as? String == "Ville Mäkinen")
            #expect(try await outsider.get("/api/accounts/A1/planner/tasks/\(taskID)").status == .notFound)

            // The supervisor's overdue task shows on their account list, and only theirs.
            let accounts = try #require(try await supervisor.get("/api/accounts").json()["accounts"] as? [[String: Any]])
            #expect(accounts.first { $0["id"] as? String == "A1" }?["overdueTasks"] as? Int == 1)
            let directorAccounts = try #require(try await director.get("/api/accounts").json()["accounts"] as? [[String: Any]])
            #expect(directorAccounts.first { $0["id"] as? String == "A1" }?["overdueTasks"] as? Int == 0)

            // Deleting: a bucket with tasks is refused; a task goes.
            let busy = try await director.request(.delete, "/api/accounts/A1/planner/buckets/\(doing)")
            #expect(busy.status == .conflict)
            #expect(try await supervisor.request(.delete, "/api/accounts/A1/planner/tasks/\(taskID)").status == .forbidden)
            #expect(try await manager.request(.delete, "/api/accounts/A1/planner/tasks/\(taskID)").status == .noContent)
            #expect(try await live("planner.task.deleted").value("data", "bucket") as? Int == doing)
            #expect(try await director.request(.delete, "/api/accounts/A1/planner/buckets/\(doing)").status == .noContent)
            #expect(try await live("planner.bucket.deleted").value("data", "id") as? Int == doing)
            #expect(try await director.get("/api/accounts/A1/planner/tasks/\(taskID)").status == .notFound)
            let bucketMove = try await director.request(.post, "/api/accounts/A1/planner/buckets/\(todo)/move", json: ["index": 0])
            #expect(bucketMove.status == .ok)
            #expect(try await live("planner.bucket.moved").value("data", "order") as? [Int] == [todo])
            await socket.close()
        }
    }

    @Test func theDirectorAppliesATemplateOnceAndItsTasksArriveLive() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let manager = try await server.signedIn("paallikko@example.fi")
            let watcher = try await server.signedIn("esimies@example.fi")
            let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: watcher.cookie)
            _ = try await socket.reply(to: try socket.subscribe([("A1", nil)]))

            let templates = try #require(try await watcher.get("/api/accounts/A1/planner/templates").json()["templates"] as? [[String: Any]])
            #expect(templates.compactMap { $0["key"] as? String } == ["after-care", "takeover"])
            #expect(templates.last?["titleEn"] as? String == "Takeover")
            #expect(templates.last?["base"] as? String == "account_start")

            #expect(try await manager.request(.post, "/api/accounts/A1/planner/templates/takeover/apply", json: [:]).status == .forbidden)
            let applied = try await director.request(.post, "/api/accounts/A1/planner/templates/takeover/apply", json: [:])
            #expect(applied.status == .created, "\(applied.text)")
            let result = try applied.json()
            #expect(result["baseDate"] as? String == "2026-04-01")
            #expect(result["alreadyApplied"] as? Bool == false)
            let tasks = try #require(result["tasks"] as? [[String: Any]])
            #expect(tasks.first { $0["templateKey"] as? String == "takeover/2026-04-01/kickoff" }?["dueDate"] as? String == "2026-03-02")
            let (summary, before) = try await socket.next(where: { $0["kind"] as? String == "planner.template.applied" })
            #expect(summary.value("data", "tasks") as? Int == tasks.count)
            #expect(before.filter { $0["kind"] as? String == "planner.task.created" }.count == tasks.count)
            #expect(before.filter { $0["kind"] as? String == "planner.bucket.created" }.count == 4)

            let again = try await director.request(.post, "/api/accounts/A1/planner/templates/takeover/apply", json: ["baseDate": "2026-04-01"])
            #expect(again.status == .ok)
            #expect(try again.json()["alreadyApplied"] as? Bool == true)
            #expect(await socket.isQuiet(for: 0.5), "nothing added, nothing sent")

            let afterCare = try await director.request(.post, "/api/accounts/A1/planner/templates/after-care/apply", json: [:])
            #expect(afterCare.status == .badRequest)
            #expect((try afterCare.json().value("error", "message") as? String)?.hasPrefix("baseDate: is required") == true)
            #expect(try await director.request(.post, "/api/accounts/A1/planner/templates/party/apply", json: [:]).status == .notFound)
            let optional = try await director.request(.post, "/api/accounts/A1/planner/templates/after-care/apply",
                                                      json: ["baseDate": "2026-12-31", "includeOptional": true])
            #expect((try optional.json()["tasks"] as? [Any])?.count == 4)
            await socket.close()
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndChangesNothing() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let bucket = try #require(try await director.request(.post, "/api/accounts/A1/planner/buckets", json: ["name": "Tehtävät"]).json()
                .value("bucket", "id") as? Int)
            let task = try #require(try await director.request(.post, "/api/accounts/A1/planner/tasks", json: [
                "bucket": bucket, "title": "Raportti", "startDate": "2026-03-12", "dueDate": "2026-03-20",
            ]).json().value("task", "id") as? Int)
            let outsiderID = try await personID("muu@example.fi", server)
            let before = try await board(director)
            let head = try await server.kanava.store.accountSummary(AccountID(rawValue: "A1")!, viewer: nil)?.head

            let valid: [String: Any] = ["bucket": bucket, "title": "Uusi"]
            func with(_ change: [String: Any]) -> [String: Any] { valid.merging(change) { _, new in new } }
            let creates: [([String: Any], String)] = [
                (with(["assignee": outsiderID]), "assignee: person \(outsiderID) is not a member of this channel"),
                (with(["assignee": "Ville"]), "assignee: expected a whole number"),
                (with(["startDate": "2026-03-12", "dueDate": "2026-03-11"]), "dueDate: the due date 2026-03-11 is before the start date 2026-03-12"),
                (with(["checklist": (0...50).map { ["text": "Kohta \($0)"] }]), "checklist: must have at most 50 items"),
                (with(["checklist": [["text": "a", "owner": "me"]]]), "checklist[0]: unknown field 'owner'"),
                (with(["checklist": [["done": true]]]), "checklist[0].text: is required"),
                (with(["labels": (0...10).map { "l\($0)" }]), "labels: must be at most 10 labels"),
                (with(["status": "finished"]), "status: 'finished' is not a status"),
                (with(["title": String(repeating: "x", count: 201)]), "title: must be at most 200 characters"),
                (with(["description": String(repeating: "x", count: 10_001)]), "description: must be at most 10000 characters"),
                (with(["dueDate": "20.3.2026"]), "dueDate: must be a real date"),
                (with(["colour": "red"]), "unknown field 'colour'"),
                (["title": "x"], "bucket: is required"),
                (["bucket": bucket], "title: is required"),
            ]
            for (body, expected) in creates {
                let response = try await director.request(.post, "/api/accounts/A1/planner/tasks", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                let message = try response.json().value("error", "message") as? String ?? ""
                #expect(message.contains(expected), "\(message)")
            }
            let changes: [([String: Any], String)] = [
                (["dueDate": "2026-03-01"], "dueDate: the due date 2026-03-01 is before the start date 2026-03-12"),
                (["assignee": outsiderID], "assignee: person \(outsiderID) is not a member"),
                (["bucket": bucket], "unknown field 'bucket'"),
                (["checklist": (0...50).map { ["text": "Kohta \($0)"] }], "checklist: must have at most 50 items"),
            ]
            for (body, expected) in changes {
                let response = try await director.request(.patch, "/api/accounts/A1/planner/tasks/\(task)", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect((try response.json().value("error", "message") as? String)?.contains(expected) == true, "\(response.text)")
            }
            for (path, body) in [("planner/tasks/\(task)/move", ["bucket": bucket, "index": -1] as [String: Any]), ("planner/buckets/\(bucket)/move", ["index": -1]),
                                 ("planner/buckets", ["name": " "]), ("planner/tasks/\(task)/comments", ["body": String(repeating: "x", count: 4001)]),
                                 ("planner/templates/takeover/apply", ["baseDate": "1.4.2026"])] {
                let response = try await director.request(.post, "/api/accounts/A1/\(path)", json: body)
                #expect(response.status == .badRequest, "\(path): \(response.text)")
            }
            #expect(try await director.request(.patch, "/api/accounts/A1/planner/tasks/x", json: ["title": "y"]).status == .badRequest)
            #expect(try await director.request(.put, "/api/accounts/A1/planner/tasks/\(task)/checklist/999", json: ["done": true]).status == .notFound)
            #expect(try await director.request(.post, "/api/accounts/A1/planner/tasks", body: Data("[1]".utf8)).status == .badRequest)

            let after = try await board(director)
            #expect(NSDictionary(dictionary: after) == NSDictionary(dictionary: before), "nothing changed")
            #expect(try await server.kanava.store.accountSummary(AccountID(rawValue: "A1")!, viewer: nil)?.head == head, "no events")
        }
    }
}
