import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Logging
import Testing

/// A node older than its database's schema refuses to start, on either store, and says which migrations it lacks.
@Suite struct SchemaVersionTests {
    @Test(arguments: Backend.all) func aDatabaseMigratedByANewerKanavaIsRefused(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            switch backend {
            case .sqlite:
                let queue = try DatabaseQueue(path: Kanava.databasePath(t.kanava.config))
                try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
            case .postgres:
                try await TestPostgres.execute(try PostgresURL(t.kanava.config.database.url), "INSERT INTO schema_migration (name) VALUES ('v99-from-the-future')")
            }
            let error = await #expect(throws: SchemaTooNew.self) {
                _ = try await Kanava.open(config: t.kanava.config, clock: t.clock, logger: Logger(label: "older-node"))
            }
            #expect(error?.unknown == ["v99-from-the-future"])
            #expect(error?.description.contains("newer than this kanava") == true)
        }
    }
}
