import Foundation
import PostgresNIO

extension PostgresStore: LeaseStore {
    public func acquireLease(_ name: String, holder: String, for duration: Duration) async throws -> Bool {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return try await write("acquireLease") { db in
            try await db.exists("""
                INSERT INTO lease (name, holder, expires_at) VALUES (\(name), \(holder), now() + \(milliseconds) * interval '1 millisecond')
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE lease.holder = excluded.holder OR lease.expires_at < now()
                RETURNING holder
                """)
        }
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        try await write("releaseLease") { db in
            _ = try await db.execute("DELETE FROM lease WHERE name = \(name) AND holder = \(holder)")
        }
    }
}
