import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Roster files for tests: a header and rows, joined with `;` and CRLF as Finnish Excel writes them.
private func csv(_ rows: [String], header: String = "account_id;account_name;site;city;person_email;person_name;role") -> Data {
    Data(([header] + rows).joined(separator: "\r\n").utf8 + [0x0D, 0x0A])
}

private let base = [
    "A1;Östra kiinteistö Ab;Östra Oulu 1;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
    "A1;Östra kiinteistö Ab;Östra Oulu 2;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
    "A1;Östra kiinteistö Ab;;Oulu;eino@yritys.example;Eino Laine;regional_director",
    "A1;Östra kiinteistö Ab;;;jaana@yritys.example;Jaana Järvinen;account_director",
    "A2;Zeta Oy;Zeta Vaasa 1;Vaasa;riikka@yritys.example;Riikka Salo;supervisor",
    "A2;Zeta Oy;;;jaana@yritys.example;Jaana Järvinen;account_director",
]

private extension TestInstallation {
    func sync(_ data: Data, dryRun: Bool = false, force: Bool = false) async throws -> RosterService.Outcome {
        try await kanava.roster.sync(data: data, source: "test.csv", by: TestInstallation.system, dryRun: dryRun, force: force)
    }

    /// A checksum of everything a sync may touch.
    func membershipChecksum() async throws -> String {
        try await texts("""
            SELECT account_id || '|' || person_id || '|' || role || '|' || source || '|' || sites || '|' || cities FROM membership
            UNION ALL SELECT id || '|' || name FROM account
            UNION ALL SELECT email_key || '|' || name FROM person
            UNION ALL SELECT account_id || '|' || last_seq FROM channel
            ORDER BY 1
            """).map { $0 ?? "" }.joined(separator: "\n")
    }

    func members(_ account: String) async throws -> [String: ChannelRole] {
        Dictionary(uniqueKeysWithValues: try await store.members(of: try AccountID.parse(account)).map { ($0.person.email, $0.role) })
    }
}

@Suite struct RosterSyncTests {
    @Test(arguments: Backend.all) func aValidRosterAppliesFromEmptyAndReapplyingChangesNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let first = try await t.sync(csv(base))
            #expect(first.status == .applied)
            #expect(first.counts.accountsCreated == 2)
            #expect(first.counts.peopleCreated == 4)
            #expect(first.counts.membershipsAdded == 5)
            #expect(first.format == "UTF-8, ';'")
            let ville = try #require(try await t.store.members(of: try AccountID.parse("A1")).first { $0.person.email == "ville@yritys.example" })
            #expect(ville.sites == ["Östra Oulu 1", "Östra Oulu 2"])
            #expect(ville.cities == ["Oulu"])
            #expect(ville.source == .roster)

            let before = try await t.membershipChecksum()
            let again = try await t.sync(csv(base))
            #expect(again.status == .unchanged)
            #expect(again.record == nil)
            #expect(try await t.membershipChecksum() == before)  // no writes, no events (channel heads unchanged)
            #expect(try await t.store.rosterSyncs(limit: 10).count == 1)
        }
    }

    @Test(arguments: Backend.all) func theSampleRostersApply(_ backend: Backend) async throws {
        let data = TestInstallation.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        try await withInstallation(backend) { t in
            for file in ["roster-small.csv", "roster-100.csv"] {
                guard let bytes = FileManager.default.contents(atPath: data.appendingPathComponent(file).path) else {
                    Issue.record("sample roster \(file) is missing from ../shared/data")
                    continue
                }
                let outcome = try await t.sync(bytes, force: true)
                #expect(outcome.errors.isEmpty, "\(outcome.errors.prefix(3))")
                #expect(outcome.status == .applied)
            }
            #expect(try await t.store.accountSummaries(viewer: nil, membershipsOnly: false).count >= 100)
        }
    }

    @Test(arguments: Backend.all) func aReplacedSupervisorIsExactlyOneAddAndOneRemove(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            _ = try await t.sync(csv(base))
            var next = base
            next[4] = "A2;Zeta Oy;Zeta Vaasa 1;Vaasa;olli@yritys.example;Olli Uusi;supervisor"
            let outcome = try await t.sync(csv(next))
            #expect(outcome.counts.membershipsAdded == 1)
            #expect(outcome.counts.membershipsRemoved == 1)
            #expect(outcome.changes.map(\.kind) == [.added, .removed])
            #expect(try await t.members("A2") == ["olli@yritys.example": .supervisor, "jaana@yritys.example": .accountDirector])
            let now = t.clock.now()
            let month = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/Helsinki")!, from: now)
            #expect(try await t.store.supervisorDepartures(in: try AccountID.parse("A2"), year: month.year!, month: month.month!) == 1)
            #expect(try await t.store.supervisorDepartures(in: try AccountID.parse("A1"), year: month.year!, month: month.month!) == 0)
        }
    }

    @Test(arguments: Backend.all) func aSupervisorWhoArrivesByRosterOwesTheUrgentNoticesInForceAndTheOneWhoLeftNoLonger(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            _ = try await t.sync(csv(base))
            let a2 = try AccountID.parse("A2")
            let jaana = try #require(try await t.store.person(email: "jaana@yritys.example"))
            let riikka = try #require(try await t.store.person(email: "riikka@yritys.example"))
            let notice = try await t.kanava.notices.post(a2, NoticeDraft(clientId: nil, priority: "urgent", title: "Avainten vaihto", body: "Kuittaa.", expiresAt: nil),
                                                         by: .person(jaana)).notice
            #expect(try await t.store.openNotices(for: riikka.id, at: t.clock.now()).map(\.id) == [notice.id])

            var next = base
            next[4] = "A2;Zeta Oy;Zeta Vaasa 1;Vaasa;olli@yritys.example;Olli Uusi;supervisor"
            _ = try await t.sync(csv(next))
            let olli = try #require(try await t.store.person(email: "olli@yritys.example"))
            #expect(try await t.store.openNotices(for: olli.id, at: t.clock.now()).map(\.id) == [notice.id])
            #expect(try await t.store.openNotices(for: riikka.id, at: t.clock.now()).isEmpty)
            let status = try await t.kanava.notices.status(a2, notice.id, for: .person(jaana))
            #expect(status.pending.map(\.person.email) == ["olli@yritys.example"])
        }
    }

    @Test(arguments: Backend.all) func roleChangesRenamesNewAccountsAndManualMembers(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            _ = try await t.sync(csv(base))
            try await t.person("manual@example.fi")
            try await t.member("A1", "manual@example.fi", .sales)
            var next = base
            next[2] = "A1;Östra kiinteistö Ab;;Oulu;eino@yritys.example;Eino Laine;manager"
            next = next.map { $0.replacingOccurrences(of: "Zeta Oy", with: "Zeta Palvelut Oy") }
            next.append("A3;Åbo fastigheter;Åbo 1;Turku;ville@yritys.example;Ville Mäkinen;supervisor")
            let outcome = try await t.sync(csv(next))
            #expect(outcome.counts.rolesChanged == 1)
            #expect(outcome.counts.accountsRenamed == 1)
            #expect(outcome.counts.accountsCreated == 1)
            #expect(outcome.counts.membershipsAdded == 1)
            #expect(outcome.counts.membershipsRemoved == 0)  // the manual member stays
            #expect(try await t.members("A1")["eino@yritys.example"] == .manager)
            #expect(try await t.members("A1")["manual@example.fi"] == .sales)
            #expect(try await t.store.account(try AccountID.parse("A2"))?.name == "Zeta Palvelut Oy")
            // The new account has its channel, with events from its first one.
            let events = try await t.store.events(in: try AccountID.parse("A3"), after: 0, limit: 10)
            #expect(events.map(\.kind) == [.accountCreated, .membershipAdded])
        }
    }

    @Test(arguments: Backend.all) func syncPublishesMembershipEvents(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            _ = try await t.sync(csv(base))
            _ = try await RecordingSink.drain(t)
            let sink = RecordingSink()
            t.kanava.bus.addSink(sink)
            _ = try await t.sync(csv(Array(base.dropLast(2)) + ["A2;Zeta Oy;;;jaana@yritys.example;Jaana Järvinen;account_director"]))
            let events = try await sink.waitFor(count: 1)
            #expect(events.map(\.kind) == [.membershipRemoved])
            #expect(events.first?.channel.rawValue == "A2")
        }
    }

    @Test(arguments: Backend.all) func theMassRemovalGuardRefusesUnlessForced(_ backend: Backend) async throws {
        try await withInstallation(backend, configure: { $0.roster.removalGuardMin = 2; $0.roster.removalGuardShare = 0.2 }) { t in
            _ = try await t.sync(csv(base))
            let before = try await t.membershipChecksum()
            let truncated = try await t.sync(csv(Array(base.prefix(2))))
            #expect(truncated.status == .refused)
            #expect(truncated.refusal?.contains("would remove 4 of 5") == true)
            #expect(truncated.record?.outcome == .refused)
            #expect(try await t.membershipChecksum() == before)

            let headerOnly = try await t.sync(csv([]))
            #expect(headerOnly.status == .refused)
            #expect(try await t.membershipChecksum() == before)

            let forced = try await t.sync(csv(Array(base.prefix(2))), force: true)
            #expect(forced.status == .applied)
            #expect(forced.record?.forced == true)
            #expect(try await t.members("A2").isEmpty)
        }
    }

    @Test(arguments: Backend.all) func everyBadFileIsRefusedWithItsLinesAndChangesNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            _ = try await t.sync(csv(base))
            let before = try await t.membershipChecksum()
            let header = "account_id;account_name;site;city;person_email;person_name;role"
            let cases: [(String, Data, [Int?])] = [
                ("empty file", Data(), [nil]),
                ("missing column", Data("account_id;account_name;person_email;role\r\nA1;X;a@b.fi;sales\r\n".utf8), [1]),
                ("unknown role", csv(base + ["A1;Östra kiinteistö Ab;;;x@yritys.example;X;boss"]), [8]),
                ("bad e-mail", csv(base + ["A1;Östra kiinteistö Ab;;;x@;X;sales"]), [8]),
                ("empty account id", csv([";Östra kiinteistö Ab;;;x@yritys.example;X;sales"] + base), [2]),
                ("conflicting account names", csv(base + ["A1;Östra Oy;;;x@yritys.example;X;sales"]), [8]),
                ("one e-mail, two names", csv(base + ["A2;Zeta Oy;;;ville@yritys.example;Ville M;sales"]), [8]),
                ("truncated last line", Data((([header] + base).joined(separator: "\r\n") + "\r\nA2;Zeta Oy;;;o").utf8), [8]),
                ("NUL byte", csv(base) + Data([0]), [8]),
                ("binary", Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 128) }), [2]),  // its first undefined byte follows a 0x0A
                ("mixed delimiters", csv(base + ["A2,Zeta Oy,,,o@yritys.example,O,sales"]), [8]),
            ]
            for (name, data, lines) in cases {
                let outcome = try await t.sync(data)
                #expect(outcome.status == .rejected, "\(name)")
                #expect(outcome.errors.map(\.line) == lines, "\(name): \(outcome.errors)")
                #expect(try await t.membershipChecksum() == before, "\(name) changed stored data")
            }
            // Each refusal is on record for the admins.
            #expect(try await t.store.rosterSyncs(limit: 50).filter { $0.outcome == .refused }.count == cases.count)
        }
    }

    @Test(arguments: Backend.all) func aDryRunReportsWithoutWriting(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let before = try await t.membershipChecksum()
            let outcome = try await t.sync(csv(base), dryRun: true)
            #expect(outcome.status == .dryRun)
            #expect(outcome.changes.count == 7)
            #expect(try await t.membershipChecksum() == before)
            #expect(try await t.store.rosterSyncs(limit: 10).isEmpty)
        }
    }
}

@Suite struct RosterFileTests {
    private func parse(_ data: Data) throws -> Roster { try RosterParser().parse(data) }

    private func issues(_ data: Data) -> [RosterIssue] {
        do {
            _ = try RosterParser().parse(data)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func formatsThatSpreadsheetsWrite() throws {
        let semicolonCRLF = try parse(csv(base))
        let commaLF = try parse(Data(base.map { $0.replacingOccurrences(of: ";", with: ",") }.prepending("account_id,account_name,site,city,person_email,person_name,role").joined(separator: "\n").utf8))
        let bom = try parse(Data([0xEF, 0xBB, 0xBF]) + csv(base))
        #expect(semicolonCRLF.memberships == commaLF.memberships)
        #expect(bom.memberships == semicolonCRLF.memberships)
        #expect(commaLF.format == "UTF-8, ','")

        // Columns in another order, names in any case, an extra column, quoted fields with delimiters and quotes.
        let reordered = Data("""
            ROLE;Person_Name;person_email;account_name;account_id;cost_centre\r
            supervisor;"Mäkinen; Ville";ville@yritys.example;"Östra ""Uusi"" Ab";A1;123\r
            """.utf8)
        let roster = try parse(reordered)
        #expect(roster.accounts[try AccountID.parse("A1")] == "Östra \"Uusi\" Ab")
        #expect(roster.people["ville@yritys.example"]?.name == "Mäkinen; Ville")

        // Windows-1252 (Excel's "CSV" on Windows): read, and said so.
        let latin = Data("account_id;account_name;person_email;person_name;role\r\nA1;".utf8) + Data([0xC4, 0x6E, 0x65]) + Data(";a@b.fi;".utf8) + Data([0xD6, 0x68, 0x6D, 0x61, 0x6E]) + Data(";sales\r\n".utf8)
        let windows = try parse(latin)
        #expect(windows.format == "Windows-1252, ';'")
        #expect(windows.accounts.values.first == "Äne")
        #expect(windows.people["a@b.fi"]?.name == "Öhman")
    }

    @Test func repeatedLinesAndSeveralRolesAreWarnings() throws {
        let roster = try parse(csv(base + [base[0], "A1;Östra kiinteistö Ab;;;ville@yritys.example;Ville Mäkinen;manager"]))
        #expect(roster.warnings.map(\.line) == [8, 9])
        #expect(roster.warnings[0].problem.contains("repeats line 2"))
        #expect(roster.warnings[1].problem.contains("the higher role, manager, applies"))
        #expect(roster.memberships.first { $0.email == "ville@yritys.example" && $0.account.rawValue == "A1" }?.role == .manager)
        #expect(roster.dataRows == 8)
    }

    @Test func everyErrorIsListedWithItsLine() {
        let found = issues(csv([
            "A1;Östra;;;ok@yritys.example;OK;supervisor",                 // line 2: fine
            ";Östra;;;a@yritys.example;A;supervisor",                     // 3: empty account id
            "A1;Östra;;;not-an-email;B;supervisor",                       // 4: bad e-mail
            "A1;Östra;;;c@yritys.example;C;boss",                         // 5: unknown role
            "A1;;;;d@yritys.example;D;supervisor",                        // 6: empty account name
            "A1;Väärä nimi;;;e@yritys.example;E;supervisor",              // 7: conflicting account name
            "A2;Toinen;;;ok@yritys.example;Eri Nimi;sales",               // 8: one e-mail, two names
            "A2,Toinen,,,f@yritys.example,F,sales",                       // 9: mixed delimiter
            "A3;Kolmas;;;g@yritys.example;G",                             // 10: truncated
        ]))
        #expect(found.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10])
        #expect(found.map(\.column) == ["account_id", "person_email", "role", "account_name", "account_name", "person_name", nil, nil])
        #expect(found[1].value == "not-an-email")
        #expect(found[4].problem == "account A1 is named 'Östra' on line 2")
        #expect(found[5].problem == "ok@yritys.example is named 'OK' on line 2")
        #expect(found[6].problem.contains("has 1 field but the header has 7"))
        #expect(found[7].problem.contains("has 6 fields"))
    }

    @Test func wholeFileProblems() {
        #expect(issues(Data()).first?.problem == "the file is empty")
        #expect(issues(Data("account_id;person_email;role\r\n".utf8)).map(\.column) == ["account_name", "person_name"])
        let nul = issues(csv(base) + Data([0x41, 0x00, 0x42]))
        #expect(nul.first?.problem.contains("NUL") == true)
        #expect(nul.first?.line == 8)
        let binary = issues(Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }.filter { $0 != 0 }))
        #expect(binary.first?.problem.contains("neither UTF-8 nor Windows-1252") == true)
        // A quoted field with a line break keeps later line numbers physical.
        let multiline = issues(csv(["A1;\"Östra\nkiinteistö\";;;a@yritys.example;A;supervisor", "A1;Östra;;;b@yritys.example;B;boss"]))
        #expect(multiline.map(\.line) == [2, 4])
    }

    @Test(arguments: Backend.all) func aFileOverTheSizeLimitIsRefusedBeforeParsing(_ backend: Backend) async throws {
        try await withInstallation(backend, configure: { $0.roster.maxBytes = 1024 }) { t in
            let big = t.directory.appendingPathComponent("big.csv")
            try Data(repeating: UInt8(ascii: "x"), count: 4096).write(to: big)
            let outcome = try await t.kanava.roster.sync(file: big.path, by: TestInstallation.system)
            #expect(outcome.status == .rejected)
            #expect(outcome.errors.first?.problem == "the file is 4096 bytes; the limit is 1024 (roster.max_bytes)")
        }
    }

    @Test(arguments: Backend.all) func onlyAdminsSync(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await t.person("a@example.fi")
            await #expect(throws: KanavaError.forbidden) {
                try await t.kanava.roster.sync(data: csv(base), source: "x", by: .person(person))
            }
        }
    }
}

private extension Array {
    func prepending(_ element: Element) -> [Element] { [element] + self }
}
