import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

private func date(_ text: String) -> LocalDate { LocalDate(text)! }

/// The planner on each backend: buckets and tasks, moves, templates, overdue figures, and what is refused.
@Suite struct PlannerTests {
    static let a1 = AccountID(rawValue: "A1")!
    static let b2 = AccountID(rawValue: "B2")!

    struct People {
        var director: Person
        var regional: Person
        var manager: Person
        var supervisor: Person
        var supervisor2: Person
        var outsider: Person
        var admin: Person
    }

    /// A1 (starts 1 April 2026) with a director, a regional director, a manager and two supervisors; B2 with an
    /// outsider as its director; an admin who is in neither. Today is 10 March 2026 in Helsinki.
    private func setUp(_ t: TestInstallation) async throws -> People {
        t.clock.set(helsinkiDay("2026-03-10"))
        let people = People(
            director: try await t.person("johtaja@example.fi", "Jaana Järvinen"),
            regional: try await t.person("alue@example.fi", "Eino Laine"),
            manager: try await t.person("paallikko@example.fi", "Pirjo Päällikkö"),
            supervisor: try await t.person("esimies@example.fi", "Ville Mäkinen"),
            supervisor2: try await t.person("esimies2@example.fi", "Aino Virtanen"),
            outsider: try await t.person("muu@example.fi", "Muu Ihminen"),
            admin: try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin))
        try await t.account("A1", "Östra kiinteistö Ab", start: "2026-04-01")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.member("A1", people.director.email, .accountDirector)
        try await t.member("A1", people.regional.email, .regionalDirector)
        try await t.member("A1", people.manager.email, .manager)
        try await t.member("A1", people.supervisor.email, .supervisor)
        try await t.member("A1", people.supervisor2.email, .supervisor)
        try await t.member("B2", people.outsider.email, .accountDirector)
        return people
    }

    private func head(_ t: TestInstallation, _ account: AccountID = a1) async throws -> Int64 {
        try await t.store.accountSummary(account, viewer: nil)?.head ?? 0
    }

    private func kinds(_ t: TestInstallation, after head: Int64, _ account: AccountID = a1) async throws -> [EventKind] {
        try await t.store.events(in: account, after: head, limit: 1000).map(\.kind)
    }

    @Test(arguments: Backend.all) func bucketsAndTasksAreCreatedChangedAndDeletedWithAnEventEach(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            var mark = try await head(t)

            let todo = try await planner.createBucket(Self.a1, name: "  Tehtävät  ", by: director)
            let doing = try await planner.createBucket(Self.a1, name: "Työn alla", by: .person(p.admin))
            #expect(todo.name == "Tehtävät")
            #expect(todo.position == 0)
            #expect(doing.position == 1)
            let renamed = try await planner.renameBucket(Self.a1, doing.id, name: "Käynnissä", by: director)
            #expect(renamed.name == "Käynnissä")
            #expect(renamed.updatedAt == t.clock.now())
            #expect(try await kinds(t, after: mark) == [.plannerBucketCreated, .plannerBucketCreated, .plannerBucketUpdated])

            // A manager adds a task with everything a task has.
            mark = try await head(t)
            let task = try await planner.createTask(Self.a1, PlannerTaskInput(
                bucket: todo.id, title: "Kohdekatselmus", description: "Kierros kaikissa kohteissa.\r\nMyös varastot.", assignee: .some(p.supervisor.id),
                startDate: .some("2026-03-12"), dueDate: .some("2026-03-20"), status: "in_progress", labels: ["kohde", "kohde", " kiire "],
                checklist: [PlannerChecklistInput(text: "Avaimet"), PlannerChecklistInput(text: "Mittaukset", done: true)]), by: .person(p.manager))
            #expect(task.title == "Kohdekatselmus")
            #expect(task.description == "Kierros kaikissa kohteissa.\nMyös varastot.")
            #expect(task.assignee?.name == "Ville Mäkinen")
            #expect(task.startDate == date("2026-03-12"))
            #expect(task.dueDate == date("2026-03-20"))
            #expect(task.status == .inProgress)
            #expect(task.labels == ["kohde", "kiire"])
            #expect(task.checklist.map(\.text) == ["Avaimet", "Mittaukset"])
            #expect(task.checklist.map(\.done) == [false, true])
            #expect(task.createdBy?.id == p.manager.id)
            #expect(task.completedAt == nil)
            #expect(task.position == 0)
            #expect(try await kinds(t, after: mark) == [.plannerTaskCreated])

            // Changing the checklist keeps the ids of the items named, removes the others, adds new ones.
            let keep = task.checklist[1]
            let changed = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(
                title: "Kohdekatselmus Tampereella", dueDate: .some(nil),
                checklist: [PlannerChecklistInput(id: keep.id, text: "Mittaukset tehty", done: true), PlannerChecklistInput(text: "Jätehuolto")]),
                by: .person(p.regional))
            #expect(changed.title == "Kohdekatselmus Tampereella")
            #expect(changed.dueDate == nil)
            #expect(changed.startDate == date("2026-03-12"))
            #expect(changed.checklist.map(\.text) == ["Mittaukset tehty", "Jätehuolto"])
            #expect(changed.checklist.first?.id == keep.id)
            #expect(changed.labels == ["kohde", "kiire"], "left as it was")

            // Done sets completedAt; leaving done clears it; done again sets it anew.
            t.clock.advance(by: 3600)
            let done = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(status: "done"), by: director)
            #expect(done.completedAt == t.clock.now())
            t.clock.advance(by: 60)
            let stillDone = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Katselmus"), by: director)
            #expect(stillDone.completedAt == done.completedAt, "another change keeps the time it was done")
            let reopened = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(status: "not_started"), by: director)
            #expect(reopened.completedAt == nil)
            // Nothing changed: nothing written.
            mark = try await head(t)
            _ = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Katselmus", status: "not_started"), by: director)
            #expect(try await kinds(t, after: mark).isEmpty)

            // Comments: any member, in order, counted on the task.
            _ = try await planner.addComment(Self.a1, task.id, body: "Avaimet noudettu.", by: .person(p.supervisor2))
            let second = try await planner.addComment(Self.a1, task.id, body: "Kiitos!\r\nHyvä.", by: director)
            #expect(second.commentCount == 2)
            #expect(second.comment.body == "Kiitos!\nHyvä.")
            let detail = try await planner.task(Self.a1, task.id, for: .person(p.supervisor2))
            #expect(detail.comments.map(\.author?.name) == ["Aino Virtanen", "Jaana Järvinen"])
            #expect(detail.task.commentCount == 2)
            #expect(detail.canEdit == false)
            #expect(detail.canUpdateProgress == false)
            #expect(try await planner.task(Self.a1, task.id, for: .person(p.supervisor)).canUpdateProgress, "the assignee")

            // Deleted: gone from the board, the row kept (deleted_at).
            mark = try await head(t)
            try await planner.deleteTask(Self.a1, task.id, by: director)
            #expect(try await kinds(t, after: mark) == [.plannerTaskDeleted])
            let board = try await planner.board(Self.a1, for: .person(p.supervisor))
            #expect(board.tasks.isEmpty)
            #expect(board.buckets.map(\.name) == ["Tehtävät", "Käynnissä"])
            #expect(board.asOf == date("2026-03-10"))
            #expect(board.canManage == false)
            #expect(board.canEditTasks == false)
            #expect(try await t.store.plannerTask(task.id, in: Self.a1) == nil)
            await #expect(throws: KanavaError.notFound("task \(task.id)")) { try await planner.deleteTask(Self.a1, task.id, by: director) }
            await #expect(throws: KanavaError.notFound("task \(task.id)")) {
                try await planner.addComment(Self.a1, task.id, body: "x", by: director)
            }
        }
    }

    @Test(arguments: Backend.all) func movesRenumberBothBucketsInOneStepAndAnotherChannelsBucketIsNotFound(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let left = try await planner.createBucket(Self.a1, name: "Vasen", by: director)
            let right = try await planner.createBucket(Self.a1, name: "Oikea", by: director)
            var ids: [PlannerTaskID] = []
            for title in ["Yksi", "Kaksi", "Kolme"] {
                ids.append(try await planner.createTask(Self.a1, PlannerTaskInput(bucket: left.id, title: title), by: director).id)
            }
            func order() async throws -> [String: [String]] {
                let board = try await planner.board(Self.a1, for: director)
                var columns: [String: [String]] = [:]
                for bucket in board.buckets {
                    let tasks = board.tasks.filter { $0.bucket == bucket.id }
                    #expect(tasks.map(\.position) == Array(tasks.indices), "positions 0…n-1 in \(bucket.name)")
                    columns[bucket.name] = tasks.map(\.title)
                }
                return columns
            }

            // Within a bucket: the third to the top.
            let mark = try await head(t)
            let up = try await planner.moveTask(Self.a1, ids[2], to: left.id, index: 0, by: .person(p.manager))
            #expect(up.order == [PlannerBucketOrder(bucket: left.id, tasks: [ids[2], ids[0], ids[1]])])
            #expect(up.task.position == 0)
            #expect(try await order() == ["Vasen": ["Kolme", "Yksi", "Kaksi"], "Oikea": []])

            // To another bucket, past its end: last there, and the gap closed behind it.
            let across = try await planner.moveTask(Self.a1, ids[0], to: right.id, index: 99, by: director)
            #expect(across.from == left.id)
            #expect(across.task.bucket == right.id)
            #expect(across.order == [PlannerBucketOrder(bucket: left.id, tasks: [ids[2], ids[1]]), PlannerBucketOrder(bucket: right.id, tasks: [ids[0]])])
            _ = try await planner.moveTask(Self.a1, ids[2], to: right.id, index: 0, by: director)
            #expect(try await order() == ["Vasen": ["Kaksi"], "Oikea": ["Kolme", "Yksi"]])
            #expect(try await kinds(t, after: mark) == [.plannerTaskMoved, .plannerTaskMoved, .plannerTaskMoved])

            // Another channel's bucket is not found, a negative place is refused: nothing moves.
            let other = try await planner.createBucket(Self.b2, name: "Muu", by: .person(p.outsider))
            await #expect(throws: KanavaError.notFound("bucket \(other.id)")) {
                try await planner.moveTask(Self.a1, ids[1], to: other.id, index: 0, by: director)
            }
            await #expect(throws: KanavaError.invalid("index", "must be 0 or more (0 is the first place)")) {
                try await planner.moveTask(Self.a1, ids[1], to: right.id, index: -1, by: director)
            }
            await #expect(throws: KanavaError.notFound("task \(ids[1])")) {
                try await planner.moveTask(Self.b2, ids[1], to: other.id, index: 0, by: .person(p.outsider))
            }
            #expect(try await order() == ["Vasen": ["Kaksi"], "Oikea": ["Kolme", "Yksi"]])

            // Buckets reorder the same way.
            let third = try await planner.createBucket(Self.a1, name: "Kolmas", by: director)
            let moved = try await planner.moveBucket(Self.a1, third.id, to: 0, by: director)
            #expect(moved.order == [third.id, left.id, right.id])
            #expect(try await planner.board(Self.a1, for: director).buckets.map(\.position) == [0, 1, 2])
            #expect(try await planner.moveBucket(Self.a1, third.id, to: 7, by: director).order == [left.id, right.id, third.id])
            await #expect(throws: KanavaError.notFound("bucket \(other.id)")) { try await planner.moveBucket(Self.a1, other.id, to: 0, by: director) }
        }
    }

    @Test(arguments: Backend.all) func aBucketIsDeletedOnlyWhenEmptyAndItsDeletedTasksAreKept(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let first = try await planner.createBucket(Self.a1, name: "Ensin", by: director)
            let second = try await planner.createBucket(Self.a1, name: "Sitten", by: director)
            let task = try await planner.createTask(Self.a1, PlannerTaskInput(bucket: second.id, title: "Raportti", dueDate: .some("2026-03-05")), by: director)

            let busy = try await #require(throws: KanavaError.self) { try await planner.deleteBucket(Self.a1, second.id, by: director) }
            #expect(busy.code == .conflict)
            #expect(busy.message.contains("still has 1 task"))

            // Deleted, the task still counts in the figures of the days it was overdue; the bucket can go.
            t.clock.set(helsinkiDay("2026-03-12"))
            try await planner.deleteTask(Self.a1, task.id, by: director)
            try await planner.deleteBucket(Self.a1, second.id, by: director)
            #expect(try await planner.board(Self.a1, for: director).buckets.map(\.id) == [first.id])
            #expect(try await t.store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-10")) == 1)
            #expect(try await t.store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-12")) == 0)

            let last = try await #require(throws: KanavaError.self) { try await planner.deleteBucket(Self.a1, first.id, by: director) }
            #expect(last.code == .conflict)
            #expect(last.message.contains("at least one bucket"))
            await #expect(throws: KanavaError.notFound("bucket \(second.id)")) { try await planner.deleteBucket(Self.a1, second.id, by: director) }
        }
    }

    @Test(arguments: Backend.all) func aTakeoverTemplateGetsItsDueDatesFromTheStartDateAndApplyingAgainAddsNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let takeover = try #require(planner.templates.first { $0.key == "takeover" })
            #expect(takeover.base == .accountStart)
            #expect(takeover.buckets.map(\.titleEn) == ["Before start", "First week", "First month", "After takeover follow-up"])
            #expect(takeover.buckets[0].tasks.allSatisfy { $0.dueDays < 0 }, "before start: negative offsets")

            let mark = try await head(t)
            let result = try await planner.applyTemplate(Self.a1, template: "takeover", baseDate: nil, includeOptional: false, by: director)
            #expect(result.baseDate == date("2026-04-01"), "the account's start date")
            #expect(result.alreadyApplied == false)
            #expect(result.buckets.map(\.name) == ["Ennen aloitusta", "Ensimmäinen viikko", "Ensimmäinen kuukausi", "Haltuunoton jälkiseuranta"])
            #expect(result.buckets.map(\.templateKey) == ["takeover/before-start", "takeover/first-week", "takeover/first-month", "takeover/follow-up"])
            let expectedTasks = takeover.buckets.flatMap(\.tasks)
            #expect(result.tasks.count == expectedTasks.count)
            for entry in expectedTasks {
                let task = try #require(result.tasks.first { $0.templateKey == "takeover/2026-04-01/\(entry.key)" }, "\(entry.key)")
                #expect(task.dueDate == date("2026-04-01").adding(days: entry.dueDays), "\(entry.key)")
                #expect(task.title == entry.title)
                #expect(task.checklist.map(\.text) == entry.checklist)
                #expect(task.labels == entry.labels)
                #expect(task.status == .notStarted)
                #expect(task.createdBy?.id == p.director.id)
            }
            let byKey = Dictionary(uniqueKeysWithValues: result.tasks.map { ($0.templateKey ?? "", $0) })
            #expect(byKey["takeover/2026-04-01/kickoff"]?.dueDate == date("2026-03-02"), "30 days before the start")
            #expect(byKey["takeover/2026-04-01/first-day"]?.dueDate == date("2026-04-01"))
            #expect(byKey["takeover/2026-04-01/takeover-review"]?.dueDate == date("2026-06-30"))
            // The only member of a role gets its tasks; two supervisors: their tasks are left unassigned.
            #expect(byKey["takeover/2026-04-01/kickoff"]?.assignee?.id == p.director.id)
            #expect(byKey["takeover/2026-04-01/staff-transfer"]?.assignee?.id == p.regional.id)
            #expect(byKey["takeover/2026-04-01/equipment"]?.assignee?.id == p.manager.id)
            #expect(byKey["takeover/2026-04-01/site-surveys"]?.assignee == nil)
            let kinds = try await kinds(t, after: mark)
            #expect(kinds.filter { $0 == .plannerBucketCreated }.count == 4)
            #expect(kinds.filter { $0 == .plannerTaskCreated }.count == expectedTasks.count)
            #expect(kinds.last == .plannerTemplateApplied)

            // The same again: nothing added, no events, and it says so.
            let again = try await head(t)
            let repeated = try await planner.applyTemplate(Self.a1, template: "takeover", baseDate: "2026-04-01", includeOptional: true, by: .person(p.admin))
            #expect(repeated.alreadyApplied)
            #expect(repeated.tasks.isEmpty && repeated.buckets.isEmpty)
            #expect(try await head(t) == again)

            // A deleted template task does not come back; another base date adds a new set into the same buckets.
            try await planner.deleteTask(Self.a1, try #require(byKey["takeover/2026-04-01/kickoff"]).id, by: director)
            #expect(try await planner.applyTemplate(Self.a1, template: "takeover", baseDate: nil, includeOptional: false, by: director).alreadyApplied)
            let later = try await planner.applyTemplate(Self.a1, template: "takeover", baseDate: "2026-05-01", includeOptional: false, by: director)
            #expect(later.buckets.isEmpty)
            #expect(later.tasks.count == expectedTasks.count)
            #expect(later.tasks.first { $0.templateKey == "takeover/2026-05-01/kickoff" }?.dueDate == date("2026-04-01"))
            #expect(try await planner.board(Self.a1, for: director).buckets.count == 4)

            // An account without a start date needs a base date.
            await #expect(throws: KanavaError.invalid("baseDate", "is required: the account has no start date")) {
                try await planner.applyTemplate(Self.b2, template: "takeover", baseDate: nil, includeOptional: false, by: .person(p.outsider))
            }
            let withBase = try await planner.applyTemplate(Self.b2, template: "takeover", baseDate: "2026-09-01", includeOptional: false, by: .person(p.outsider))
            #expect(withBase.tasks.first { $0.templateKey == "takeover/2026-09-01/kickoff" }?.dueDate == date("2026-08-02"))
        }
    }

    @Test(arguments: Backend.all) func afterCareCountsFromTheServiceEndAndItsOneYearFollowUpIsOptional(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            await #expect(throws: KanavaError.invalid("baseDate", "is required: the date the service ends")) {
                try await planner.applyTemplate(Self.a1, template: "after-care", baseDate: nil, includeOptional: false, by: director)
            }
            let without = try await planner.applyTemplate(Self.a1, template: "after-care", baseDate: "2026-06-30", includeOptional: false, by: director)
            #expect(without.tasks.map(\.title) == ["Seurantayhteydenotto asiakkaaseen", "Asiakkaan tarpeiden uudelleenarviointi", "Yhteinen arviointipalaveri"])
            #expect(without.tasks.map(\.dueDate) == [date("2026-07-14"), date("2026-07-30"), date("2026-08-14")])
            let with = try await planner.applyTemplate(Self.a1, template: "after-care", baseDate: "2026-06-30", includeOptional: true, by: director)
            #expect(with.tasks.map(\.title) == ["Vuoden seuranta"])
            #expect(with.tasks.first?.dueDate == date("2027-06-30"))
            #expect(with.buckets.isEmpty, "into the bucket made the first time")
            #expect(try await planner.board(Self.a1, for: director).tasks.map(\.position) == [0, 1, 2, 3])

            await #expect(throws: KanavaError.notFound("planner template party")) {
                try await planner.applyTemplate(Self.a1, template: "party", baseDate: "2026-06-30", includeOptional: false, by: director)
            }
            let far = try #require(throws: KanavaError.self) {
                try planner.templates.first { $0.key == "after-care" }!.plan(base: date("2100-06-01"), includeOptional: true)
            }
            #expect(far.message.hasPrefix("baseDate: would put 'Vuoden seuranta' due outside the years 2000–2100"))
            await #expect(throws: KanavaError.forbidden) {
                try await planner.applyTemplate(Self.a1, template: "after-care", baseDate: "2026-06-30", includeOptional: false, by: .person(p.regional))
            }
        }
    }

    @Test(arguments: Backend.all) func overdueIsNotDoneAndDueBeforeTheDayAlsoAsItStoodOnAPastDay(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let bucket = try await planner.createBucket(Self.a1, name: "Tehtävät", by: director)
            func task(_ title: String, due: String?, assignee: Person? = nil) async throws -> PlannerTask {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: title, assignee: assignee.map { .some($0.id) },
                                                                      dueDate: due.map { .some($0) }), by: director)
            }
            // 10 March: three tasks due earlier, one due today, one without a due date.
            let early = try await task("Maaliskuun alku", due: "2026-03-02", assignee: p.supervisor)
            let doneLater = try await task("Tehdään myöhemmin", due: "2026-03-05", assignee: p.supervisor)
            let deletedLater = try await task("Poistetaan", due: "2026-03-06")
            _ = try await task("Tänään", due: "2026-03-10", assignee: p.supervisor)
            _ = try await task("Ei päivää", due: nil, assignee: p.supervisor)
            let store = t.store
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-10")) == 3)
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-11")) == 4, "today's is overdue tomorrow")
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-05")) == 0, "made on the 10th: not counted before")
            #expect(try await store.overduePlannerTasks(assignedTo: p.supervisor.id, asOf: date("2026-03-10")) == [Self.a1: 2])

            // On the 15th one is done and one deleted; another made then, already overdue.
            t.clock.set(helsinkiDay("2026-03-15"))
            _ = try await planner.updateTask(Self.a1, doneLater.id, PlannerTaskInput(status: "done"), by: .person(p.supervisor))
            try await planner.deleteTask(Self.a1, deletedLater.id, by: director)
            _ = try await task("Myöhästynyt heti", due: "2026-03-01")
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-15")) == 3)
            // As they stood at the end of earlier days: the done and deleted ones still counted, the new one not yet.
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-14")) == 4)
            #expect(try await store.overduePlannerTaskCount(in: Self.a1, asOf: date("2026-03-10")) == 3)
            #expect(try await store.overduePlannerTasks(assignedTo: p.supervisor.id, asOf: date("2026-03-15")) == [Self.a1: 2])

            // Reopened, it is overdue again; done, the first stops counting.
            _ = try await planner.updateTask(Self.a1, doneLater.id, PlannerTaskInput(status: "in_progress"), by: director)
            _ = try await planner.updateTask(Self.a1, early.id, PlannerTaskInput(status: "done"), by: director)
            #expect(try await store.overduePlannerTasks(assignedTo: p.supervisor.id, asOf: date("2026-03-15")) == [Self.a1: 2])
            #expect(try await store.overduePlannerTasks(assignedTo: p.director.id, asOf: date("2026-03-15")).isEmpty)

            // The account list shows each person their own overdue tasks.
            let mine = try await t.kanava.accounts.list(for: .person(p.supervisor))
            #expect(mine.first { $0.id == Self.a1 }?.overdueTasks == 2)
            let directors = try await t.kanava.accounts.list(for: .person(p.director))
            #expect(directors.first { $0.id == Self.a1 }?.overdueTasks == 0)
        }
    }

    @Test(arguments: Backend.all) func theAssigneeMustBeAMemberOfTheChannel(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let bucket = try await planner.createBucket(Self.a1, name: "Tehtävät", by: director)
            let notMember = KanavaError.invalid("assignee", "person \(p.outsider.id) is not a member of this channel")
            await #expect(throws: notMember) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "x", assignee: .some(p.outsider.id)), by: director)
            }
            await #expect(throws: KanavaError.invalid("assignee", "person \(p.admin.id) is not a member of this channel")) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "x", assignee: .some(p.admin.id)), by: director)
            }
            await #expect(throws: KanavaError.invalid("assignee", "person 999999 is not a member of this channel")) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "x", assignee: .some(PersonID(999_999))), by: director)
            }
            #expect(try await planner.board(Self.a1, for: director).tasks.isEmpty)

            let task = try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "Raportti", assignee: .some(p.supervisor.id)), by: director)
            await #expect(throws: notMember) {
                try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Uusi nimi", assignee: .some(p.outsider.id)), by: director)
            }
            #expect(try await planner.task(Self.a1, task.id, for: director).task.title == "Raportti", "nothing changed")

            // A member who leaves stays the assignee of their tasks (the task can still be edited); they cannot be chosen again.
            try await t.kanava.accounts.removeMember(Self.a1, person: p.supervisor.id, by: TestInstallation.system)
            let edited = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Raportti maaliskuulta"), by: director)
            #expect(edited.assignee?.id == p.supervisor.id)
            let cleared = try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(assignee: .some(nil)), by: director)
            #expect(cleared.assignee == nil)
            await #expect(throws: KanavaError.invalid("assignee", "person \(p.supervisor.id) is not a member of this channel")) {
                try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(assignee: .some(p.supervisor.id)), by: director)
            }
        }
    }

    @Test(arguments: Backend.all) func whoMayDoWhat(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let supervisor = Principal.person(p.supervisor)
            let bucket = try await planner.createBucket(Self.a1, name: "Tehtävät", by: director)
            let task = try await planner.createTask(Self.a1, PlannerTaskInput(
                bucket: bucket.id, title: "Katselmus", assignee: .some(p.supervisor.id), checklist: [PlannerChecklistInput(text: "Avaimet")]), by: director)
            let other = try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "Muu"), by: director)

            // Buckets and templates: the director and admins.
            for principal in [Principal.person(p.regional), .person(p.manager), supervisor] {
                await #expect(throws: KanavaError.forbidden) { try await planner.createBucket(Self.a1, name: "x", by: principal) }
                await #expect(throws: KanavaError.forbidden) { try await planner.renameBucket(Self.a1, bucket.id, name: "x", by: principal) }
            }
            // Tasks: not supervisors, who read and comment.
            await #expect(throws: PlannerService.notAnEditor) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "x"), by: supervisor)
            }
            await #expect(throws: PlannerService.notAnEditor) { try await planner.moveTask(Self.a1, other.id, to: bucket.id, index: 0, by: supervisor) }
            await #expect(throws: PlannerService.notAnEditor) { try await planner.deleteTask(Self.a1, other.id, by: supervisor) }
            await #expect(throws: PlannerService.notAnEditor) {
                try await planner.updateTask(Self.a1, other.id, PlannerTaskInput(status: "done"), by: supervisor)
            }
            _ = try await planner.addComment(Self.a1, other.id, body: "Hoidan tämän.", by: supervisor)

            // The assignee changes the status and ticks the checklist of their own task, and nothing else.
            #expect(try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(status: "in_progress"), by: supervisor).status == .inProgress)
            let ticked = try await planner.setChecklistItem(Self.a1, task.id, task.checklist[0].id, done: true, by: supervisor)
            #expect(ticked.checklist[0].done)
            let refused = try await #require(throws: KanavaError.self) {
                try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Oma nimi", status: "done"), by: supervisor)
            }
            #expect(refused.code == .forbidden)
            #expect(try await planner.task(Self.a1, task.id, for: supervisor).task.status == .inProgress)
            await #expect(throws: PlannerService.notAnEditor) {
                try await planner.setChecklistItem(Self.a1, task.id, task.checklist[0].id, done: false, by: .person(p.supervisor2))
            }

            // Outside the channel: not found, whatever the request.
            let outsider = Principal.person(p.outsider)
            await #expect(throws: KanavaError.notFound("channel A1")) { try await planner.board(Self.a1, for: outsider) }
            await #expect(throws: KanavaError.notFound("channel A1")) { try await planner.createBucket(Self.a1, name: "x", by: outsider) }
            await #expect(throws: KanavaError.notFound("channel A1")) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "x"), by: outsider)
            }
            await #expect(throws: KanavaError.notFound("channel A1")) { try await planner.addComment(Self.a1, task.id, body: "x", by: outsider) }
            // An item of another task is not found.
            await #expect(throws: KanavaError.notFound("checklist item \(task.checklist[0].id)")) {
                try await planner.setChecklistItem(Self.a1, other.id, task.checklist[0].id, done: true, by: director)
            }
        }
    }

    @Test(arguments: Backend.all) func badInputIsRefusedNamingTheFieldAndChangesNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let bucket = try await planner.createBucket(Self.a1, name: "Tehtävät", by: director)
            let task = try await planner.createTask(Self.a1, PlannerTaskInput(
                bucket: bucket.id, title: "Katselmus", startDate: .some("2026-03-12"), dueDate: .some("2026-03-20"),
                checklist: [PlannerChecklistInput(text: "Avaimet")]), by: director)
            let mark = try await head(t)
            let before = try await planner.board(Self.a1, for: director)

            let items = (0...PlannerLimits.maxChecklistItems).map { PlannerChecklistInput(text: "Kohta \($0)") }
            let cases: [(PlannerTaskInput, String)] = [
                (PlannerTaskInput(dueDate: .some("2026-03-11")), "dueDate: the due date 2026-03-11 is before the start date 2026-03-12"),
                (PlannerTaskInput(startDate: .some("2026-03-21")), "startDate: the due date 2026-03-20 is before the start date 2026-03-21"),
                (PlannerTaskInput(checklist: items), "checklist: must have at most 50 items"),
                (PlannerTaskInput(checklist: [PlannerChecklistInput(text: String(repeating: "x", count: 201))]), "checklist: must be at most 200 characters"),
                (PlannerTaskInput(checklist: [PlannerChecklistInput(text: "kaksi\nriviä")]), "checklist: must be one line"),
                (PlannerTaskInput(checklist: [PlannerChecklistInput(id: task.checklist[0].id, text: "a"), PlannerChecklistInput(id: task.checklist[0].id, text: "b")]),
                 "checklist: names an item twice"),
                (PlannerTaskInput(title: "   "), "title: must not be empty"),
                (PlannerTaskInput(title: String(repeating: "x", count: 201)), "title: must be at most 200 characters"),
                (PlannerTaskInput(description: String(repeating: "x", count: 10_001)), "description: must be at most 10000 characters"),
                (PlannerTaskInput(status: "finished"), "status: 'finished' is not a status"),
                (PlannerTaskInput(labels: (0...10).map { "l\($0)" }), "labels: must be at most 10 labels"),
                (PlannerTaskInput(labels: [String(repeating: "x", count: 31)]), "labels: must be at most 30 characters"),
                (PlannerTaskInput(dueDate: .some("2026-02-30")), "dueDate: must be a real date"),
                (PlannerTaskInput(dueDate: .some("2101-01-01")), "dueDate: must be in the years 2000–2100"),
                (PlannerTaskInput(description: "a\u{07}b"), "description: must not contain control characters"),
            ]
            for (input, expected) in cases {
                let error = try await #require(throws: KanavaError.self, "\(expected)") { try await planner.updateTask(Self.a1, task.id, input, by: director) }
                #expect(error.code == .invalidInput, "\(expected)")
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
            for (input, expected) in [(PlannerTaskInput(title: "x"), "bucket: is required"), (PlannerTaskInput(bucket: bucket.id), "title: is required"),
                                      (PlannerTaskInput(bucket: bucket.id, title: "x", startDate: .some("2026-03-02"), dueDate: .some("2026-03-01")), "dueDate: the due date")] {
                let error = try await #require(throws: KanavaError.self) { try await planner.createTask(Self.a1, input, by: director) }
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
            await #expect(throws: KanavaError.notFound("checklist item 987654")) {
                try await planner.updateTask(Self.a1, task.id, PlannerTaskInput(title: "Uusi", checklist: [PlannerChecklistInput(id: PlannerChecklistItemID(987_654), text: "x")]), by: director)
            }
            for name in ["", "  ", String(repeating: "x", count: 201), "kaksi\nriviä"] {
                await #expect(throws: KanavaError.self) { try await planner.createBucket(Self.a1, name: name, by: director) }
            }
            await #expect(throws: KanavaError.self) { try await planner.addComment(Self.a1, task.id, body: String(repeating: "x", count: 4001), by: director) }
            await #expect(throws: KanavaError.invalid("body", "must not be empty")) { try await planner.addComment(Self.a1, task.id, body: " \n ", by: director) }
            for base in ["1.4.2026", "2026-13-01"] {
                await #expect(throws: KanavaError.self) {
                    try await planner.applyTemplate(Self.a1, template: "takeover", baseDate: base, includeOptional: false, by: director)
                }
            }

            #expect(try await head(t) == mark, "no events")
            let after = try await planner.board(Self.a1, for: director)
            #expect(after.tasks == before.tasks)
            #expect(after.buckets == before.buckets)
        }
    }

    @Test(arguments: Backend.all) func aChannelHoldsAtMostFiftyBucketsAndAThousandTasks(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            let bucket = try await planner.createBucket(Self.a1, name: "Sarake 0", by: director)
            for index in 1..<PlannerLimits.maxBuckets { _ = try await planner.createBucket(Self.a1, name: "Sarake \(index)", by: director) }
            let full = try await #require(throws: KanavaError.self) { try await planner.createBucket(Self.a1, name: "Liikaa", by: director) }
            #expect(full.code == .conflict)
            #expect(full.message.contains("50 buckets"))
            for index in 0..<PlannerLimits.maxTasks {
                _ = try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "Tehtävä \(index)"), by: director)
            }
            let tooMany = try await #require(throws: KanavaError.self) {
                try await planner.createTask(Self.a1, PlannerTaskInput(bucket: bucket.id, title: "Liikaa"), by: director)
            }
            #expect(tooMany.code == .conflict)
            #expect(tooMany.message.contains("1000 tasks"))
            #expect(try await planner.board(Self.a1, for: director).tasks.count == PlannerLimits.maxTasks)
        }
    }

    /// Moves, adds and deletes that commit at the same time (on PostgreSQL on several connections, as from several
    /// nodes) leave the buckets and every bucket's tasks numbered 0…n-1, with no task lost or doubled.
    @Test(arguments: Backend.all) func movesAtTheSameTimeKeepEveryBucketNumberedInOrder(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let p = try await setUp(t)
            let planner = t.kanava.planner
            let director = Principal.person(p.director)
            var buckets: [PlannerBucketID] = []
            for name in ["Vasen", "Keski", "Oikea"] { buckets.append(try await planner.createBucket(Self.a1, name: name, by: director).id) }
            var tasks: [PlannerTaskID] = []
            for index in 0..<12 {
                tasks.append(try await planner.createTask(Self.a1, PlannerTaskInput(bucket: buckets[index % 3], title: "T\(index)"), by: director).id)
            }
            let mark = try await head(t)
            let (ids, columns) = (tasks, buckets)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<60 {
                    group.addTask {
                        switch round % 6 {
                        case 4: _ = try await planner.createTask(Self.a1, PlannerTaskInput(bucket: columns[round % 3], title: "U\(round)"), by: director)
                        case 5: _ = try await planner.moveBucket(Self.a1, columns[round % 3], to: round % 4, by: director)
                        default: _ = try await planner.moveTask(Self.a1, ids[round % 12], to: columns[(round / 2) % 3], index: round % 5, by: director)
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await planner.deleteTask(Self.a1, ids[0], by: director)

            let board = try await planner.board(Self.a1, for: director)
            #expect(board.buckets.map(\.position) == [0, 1, 2])
            #expect(Set(board.buckets.map(\.id)) == Set(buckets))
            for bucket in board.buckets {
                let column = board.tasks.filter { $0.bucket == bucket.id }
                #expect(column.map(\.position) == Array(column.indices), "positions 0…n-1 in \(bucket.name)")
            }
            #expect(board.tasks.count == 12 + 10 - 1)
            #expect(Set(board.tasks.map(\.id)).count == board.tasks.count)
            let moves = try await t.store.events(in: Self.a1, after: mark, limit: 1000).filter { $0.kind == .plannerTaskMoved }
            #expect(moves.count == 40)
        }
    }
}

@Suite struct PlannerTemplateFileTests {
    static let directory = TestInstallation.repositoryRoot.appendingPathComponent("config/planner").path

    @Test func theShippedTemplatesAreTakeoverAndAfterCare() throws {
        let templates = try PlannerTemplate.loadAll(directory: Self.directory)
        #expect(templates.map(\.key) == ["after-care", "takeover"])
        let afterCare = try #require(templates.first)
        #expect(afterCare.base == .serviceEnd)
        #expect(afterCare.buckets.flatMap(\.tasks).filter(\.optional).map(\.titleEn) == ["One-year follow-up"])
        #expect(afterCare.buckets.flatMap(\.tasks).map(\.key) == ["follow-up-contact", "reassess-needs", "joint-evaluation", "one-year-follow-up"])
    }

    @Test func brokenTemplatesNameTheFileEntryAndProblem() throws {
        func problem(_ yaml: String) -> ConfigError? {
            do { _ = try PlannerTemplate.parse(yaml, key: "t", file: "t.yaml"); return nil } catch { return error }
        }
        let head = "title: Testi\nbase: account_start\nbuckets:\n  - key: b\n    title: Sarake\n    tasks:\n"
        let task = "      - key: a\n        title: Tehtävä\n        due_days: 3\n        role: supervisor\n"
        #expect(problem(head + task) == nil)

        let unknown = problem(head + task + "        colour: red\n")
        #expect(unknown?.description == "t.yaml:11: buckets[0].tasks[0].colour: unknown field; use checklist, description, due_days, key, labels, optional, role, title, title_en")
        let cases: [(String, String, String)] = [
            (head + task.replacingOccurrences(of: "due_days: 3", with: "due_days: many"), "buckets[0].tasks[0].due_days", "must be a whole number"),
            (head + task.replacingOccurrences(of: "        due_days: 3\n", with: ""), "buckets[0].tasks[0].due_days", "is required: a whole number"),
            (head + task.replacingOccurrences(of: "due_days: 3", with: "due_days: 4000"), "buckets[0].tasks[0].due_days", "-3650–3650"),
            (head + task.replacingOccurrences(of: "supervisor", with: "janitor"), "buckets[0].tasks[0].role", "'janitor' is not a role"),
            (head + task.replacingOccurrences(of: "        role: supervisor\n", with: ""), "buckets[0].tasks[0].role", "is required"),
            (head + task.replacingOccurrences(of: "title: Tehtävä", with: "title: ' '"), "buckets[0].tasks[0].title", "must not be empty"),
            (head + task + "        checklist: [" + (0...50).map { "k\($0)" }.joined(separator: ", ") + "]\n", "buckets[0].tasks[0].checklist", "at most 50 items"),
            (head + task + "        labels: [\(String(repeating: "x", count: 31))]\n", "buckets[0].tasks[0].labels[0]", "at most 30 characters"),
            (head + task + "        optional: maybe\n", "buckets[0].tasks[0].optional", "true or false"),
            (head + task + task, "buckets[0].tasks[1].key", "already used by the task on line 7"),
            (head + task + "  - key: b\n    title: Toinen\n    tasks:\n" + task.replacingOccurrences(of: "key: a", with: "key: c"), "buckets[1].key", "already used by the bucket on line 4"),
            (head.replacingOccurrences(of: "account_start", with: "tomorrow") + task, "base", "account_start or service_end"),
            (head, "buckets[0].tasks", "at least one task"),
            ("title: Testi\nbase: service_end\nbuckets: []\n", "buckets", "at least one bucket"),
            ("title: Testi\nbase: service_end\nbuckets: []\nextra: 1\n", "extra", "unknown field"),
            ("base: service_end\nbuckets: []\n", "title", "is required"),
            ("buckets: [\n", "(file)", "not valid YAML"),
        ]
        for (yaml, key, expected) in cases {
            let error = problem(yaml)
            #expect(error?.key == key, "\(yaml): \(error?.description ?? "accepted")")
            #expect(error?.problem.contains(expected) == true, "\(yaml): \(error?.description ?? "accepted")")
            #expect(error?.file == "t.yaml")
        }
    }

    @Test func aBrokenFileStopsTheInstallationFromOpeningNamingTheFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-planner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "title: Rikki\nbase: account_start\nbuckets:\n  - key: b\n    title: B\n    tasks:\n      - key: a\n        title: A\n        role: boss\n        due_days: 1\n"
            .write(to: directory.appendingPathComponent("rikki.yaml"), atomically: true, encoding: .utf8)
        try "not a template".write(to: directory.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        let error = try await #require(throws: ConfigError.self) {
            try await withInstallation(configure: { $0.templates.planner = directory.path }) { _ in }
        }
        #expect(error.file == directory.appendingPathComponent("rikki.yaml").path)
        #expect(error.key == "buckets[0].tasks[0].role")
        #expect(error.line == 9)
        let missing = try await #require(throws: ConfigError.self) {
            try await withInstallation(configure: { $0.templates.planner = "/nonexistent/planner" }) { _ in }
        }
        #expect(missing.key == "templates.planner")
        let badName = directory.appendingPathComponent("rikki.yaml")
        try FileManager.default.moveItem(at: badName, to: directory.appendingPathComponent("väärä nimi.yaml"))
        #expect(try #require(throws: ConfigError.self) { try PlannerTemplate.loadAll(directory: directory.path) }.key == "(file name)")
    }
}
