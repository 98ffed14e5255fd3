import Foundation
import PostgresNIO

/// Brings a PostgreSQL database's schema up to date with ``PostgresSchema``, one transaction per migration.
///
/// Nodes starting together take turns through an advisory lock, so each migration runs once. A database that has
/// migrations this program does not know was upgraded by a newer Kanava: the node refuses to start
/// (``SchemaCheck``), rather than run old code on a new schema.
struct PostgresMigrator {
    let store: PostgresStore

    /// `pg_advisory_lock` key of the migration step ("Kanava" in ASCII).
    static let lockKey: Int64 = 0x4B61_6E61_7661

    func migrate() async throws {
        try await store.client.withConnection { connection in
            let db = PostgresDB(connection: connection, logger: store.logger)
            try await db.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                try await migrate(db)
                try await db.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
            } catch {
                _ = try? await db.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func migrate(_ db: PostgresDB) async throws {
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ(3) NOT NULL DEFAULT now())
            """)
        let applied = try await Self.applied(db)
        try SchemaCheck.refuseNewer(applied: applied, known: PostgresSchema.migrations.map(\.name))
        for (name, sql) in PostgresSchema.migrations where !applied.contains(name) {
            store.logger.notice("migrating the PostgreSQL schema", metadata: ["migration": "\(name)"])
            try await db.execute("BEGIN")
            do {
                try await db.script(sql)
                try await db.execute("INSERT INTO schema_migration (name) VALUES (\(name))")
                try await db.execute("COMMIT")
            } catch {
                _ = try? await db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// The migrations applied to this database.
    static func applied(_ db: PostgresDB) async throws -> [String] {
        try await db.rows("SELECT name FROM schema_migration ORDER BY applied_at, name").map { row -> String in try row["name"] }
    }
}
