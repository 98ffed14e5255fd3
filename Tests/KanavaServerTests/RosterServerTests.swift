import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Logging
import Testing

private let header = "account_id;account_name;site;city;person_email;person_name;role"
private let rows = [
    "A1;Östra kiinteistö Ab;Östra Oulu 1;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
    "A1;Östra kiinteistö Ab;;;jaana@yritys.example;Jaana Järvinen;account_director",
    "A2;Zeta Oy;Zeta Vaasa 1;Vaasa;ville@yritys.example;Ville Mäkinen;supervisor",
]

private func roster(_ rows: [String]) -> Data {
    Data(([header] + rows).joined(separator: "\r\n").utf8)
}

@Suite struct RosterServerTests {
    @Test func adminsSyncAndReadHistoryOverHTTPAndOthersCannot() async throws {
        try await withServer { server in
            try await server.installation.person("admin@example.fi", global: .admin)
            try await server.installation.person("board@example.fi", global: .board)
            let admin = try await server.signedIn("admin@example.fi")
            let board = try await server.signedIn("board@example.fi")
            let csv: HTTPFields = [.contentType: "text/csv"]

            #expect(try await board.request(.post, "/api/admin/roster/sync", body: roster(rows), headers: csv).status == .forbidden)
            #expect(try await board.get("/api/admin/roster/syncs").status == .forbidden)
            #expect(try await server.session().get("/api/admin/roster/syncs").status == .unauthorized)

            let dry = try await admin.request(.post, "/api/admin/roster/sync?dryRun=true", body: roster(rows), headers: csv).json()
            #expect(dry["status"] as? String == "dry_run")
            #expect((dry["changes"] as? [Any])?.count == 5)
            #expect(try await server.kanava.store.account(try AccountID.parse("A1")) == nil)

            let applied = try await admin.request(.post, "/api/admin/roster/sync", body: roster(rows), headers: csv).json()
            #expect(applied["status"] as? String == "applied")
            #expect((applied["counts"] as? [String: Any])?["membershipsAdded"] as? Int == 3)

            let bad = try await admin.request(.post, "/api/admin/roster/sync", body: roster(rows + ["A3;Kolmas;;;x@y.fi;X;boss"]), headers: csv).json()
            #expect(bad["status"] as? String == "rejected")
            #expect(((bad["errors"] as? [[String: Any]])?.first)?["line"] as? Int == 5)

            let history = try #require(try await admin.get("/api/admin/roster/syncs").json()["syncs"] as? [[String: Any]])
            #expect(history.compactMap { $0["outcome"] as? String } == ["refused", "applied"])
            let id = try #require(history.last?["id"] as? Int)
            let detail = try await admin.get("/api/admin/roster/syncs/\(id)").json()
            #expect((detail["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["account_created", "account_created", "added", "added", "added"])
            #expect(try await admin.get("/api/admin/roster/syncs/99999").status == .notFound)
        }
    }

    @Test func aRosterRemovalStopsAnOpenSocketWithinOneSecond() async throws {
        try await withServer { server in
            _ = try await server.kanava.roster.sync(data: roster(rows), source: "t", by: TestInstallation.system)
            try await server.kanava.people.setPassword(email: "ville@yritys.example", password: TestInstallation.password, by: TestInstallation.system)
            let ville = try await server.signedIn("ville@yritys.example")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: ville.cookie)
            _ = try await client.reply(to: try client.subscribe([("A1", nil), ("A2", nil)]))

            // Ville's supervisor role in A2 moves to someone else. The removal reaches his socket within a second of
            // the sync's commit (the sync itself may take longer on a busy machine; that is not what is measured).
            let outcome = try await server.kanava.roster.sync(data: roster(Array(rows.prefix(2)) + ["A2;Zeta Oy;Zeta Vaasa 1;Vaasa;olli@yritys.example;Olli Uusi;supervisor"]), source: "t", by: TestInstallation.system)
            #expect(outcome.counts.membershipsRemoved == 1)
            let removed = try await client.next(where: { $0["kind"] as? String == "membership.removed" }, timeout: 1)
            #expect(removed.match["channel"] as? String == "A2")

            // A2's later events no longer reach him; A1's still do.
            _ = try await server.kanava.accounts.update(try AccountID.parse("A2"), name: "Zeta Uusi", startDate: nil, by: TestInstallation.system)
            _ = try await server.kanava.accounts.update(try AccountID.parse("A1"), name: "Östra Uusi", startDate: nil, by: TestInstallation.system)
            let next = try await client.next(where: { $0["type"] as? String == "event" })
            #expect(next.match["channel"] as? String == "A1")
            #expect(next.skipped.allSatisfy { $0["channel"] as? String != "A2" })
            await client.close()
        }
    }

    @Test func aSyncByAnotherProcessReachesOpenSockets() async throws {
        try await withServer { server in
            _ = try await server.kanava.roster.sync(data: roster(rows), source: "t", by: TestInstallation.system)
            try await server.kanava.people.setPassword(email: "jaana@yritys.example", password: TestInstallation.password, by: TestInstallation.system)
            let jaana = try await server.signedIn("jaana@yritys.example")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: jaana.cookie)
            _ = try await client.reply(to: try client.subscribe([("A1", nil)]))

            // `kanava roster sync` on the command line: its own store and bus on the same database file.
            var logger = Logger(label: "cli")
            logger.logLevel = .critical
            let cli = try await Kanava.open(config: server.kanava.config, logger: logger)
            _ = try await cli.roster.sync(data: roster(rows + ["A1;Östra kiinteistö Ab;Östra Oulu 2;Oulu;aino@yritys.example;Aino Uusi;supervisor"]),
                                          source: "cli", by: .system("cli"))
            let added = try await client.next(where: { $0["kind"] as? String == "membership.added" }, timeout: 5)
            #expect(added.match.value("data", "person", "email") as? String == "aino@yritys.example")
            await client.close()
        }
    }
}

@Suite struct RosterWatcherTests {
    @Test func aFileBeingWrittenSlowlyIsNotPickedUpHalfWritten() async throws {
        try await withInstallation { t in
            let path = t.directory.appendingPathComponent("roster.csv").path
            let watcher = RosterWatcher(path: path, roster: t.kanava.roster, store: t.store, logger: t.kanava.logger)
            #expect(try await watcher.poll() == nil)  // no file yet

            let full = roster(rows)
            let handle = try #require({ () -> FileHandle? in
                FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)
            }())
            // The writer appends a chunk between polls: every poll sees a different file.
            for chunk in stride(from: 0, to: full.count, by: 40) {
                try handle.write(contentsOf: full[chunk..<min(chunk + 40, full.count)])
                #expect(try await watcher.poll() == nil)
                #expect(try await t.store.rosterSyncs(limit: 1).isEmpty, "a half-written file was synced")
            }
            try handle.close()
            // The loop's last poll saw the complete file; unchanged since then, it is now taken as complete.
            let outcome = try await watcher.poll()
            #expect(outcome?.status == .applied)
            #expect(outcome?.counts.membershipsAdded == 3)
            #expect(try await watcher.poll() == nil)  // handled: not synced again
            #expect(try await t.store.rosterSyncs(limit: 10).count == 1)
        }
    }

    @Test func anOversizedFileIsRefusedByItsSizeOnceWithoutBeingRead() async throws {
        try await withInstallation(configure: { $0.roster.maxBytes = 1024 }) { t in
            let path = t.directory.appendingPathComponent("roster.csv").path
            try Data(repeating: UInt8(ascii: "x"), count: 4096).write(to: URL(fileURLWithPath: path))
            let watcher = RosterWatcher(path: path, roster: t.kanava.roster, store: t.store, logger: t.kanava.logger)
            #expect(try await watcher.poll() == nil)  // first sight
            let outcome = try await watcher.poll()
            #expect(outcome?.status == .rejected)
            #expect(outcome?.errors.first?.problem == "the file is 4096 bytes; the limit is 1024 (roster.max_bytes)")
            #expect(try await watcher.poll() == nil)
            let restarted = RosterWatcher(path: path, roster: t.kanava.roster, store: t.store, logger: t.kanava.logger)
            _ = try await restarted.poll()
            #expect(try await restarted.poll() == nil)
            #expect(try await t.store.rosterSyncs(limit: 10).count == 1)
        }
    }

    @Test func aRefusedFileIsRecordedOnceAndTheSameContentIsNotRetriedAfterARestart() async throws {
        try await withInstallation { t in
            let path = t.directory.appendingPathComponent("roster.csv").path
            try roster(rows + ["A3;Kolmas;;;x@y.fi;X;boss"]).write(to: URL(fileURLWithPath: path))
            let first = RosterWatcher(path: path, roster: t.kanava.roster, store: t.store, logger: t.kanava.logger)
            _ = try await first.poll()
            #expect(try await first.poll()?.status == .rejected)
            #expect(try await first.poll() == nil)

            let restarted = RosterWatcher(path: path, roster: t.kanava.roster, store: t.store, logger: t.kanava.logger)
            _ = try await restarted.poll()
            #expect(try await restarted.poll() == nil)
            let history = try await t.store.rosterSyncs(limit: 10)
            #expect(history.map(\.outcome) == [.refused])
            #expect(try await t.store.accountSummaries(viewer: nil, membershipsOnly: false).isEmpty)
        }
    }
}
