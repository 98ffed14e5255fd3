import Foundation
import PostgresNIO

extension PostgresStore: PersonStore {
    public func createPerson(_ new: NewPerson, at time: Date) async throws -> Person {
        try await write("createPerson") { db in
            let key = EmailAddress.key(new.email)
            if try await db.exists("SELECT 1 FROM person WHERE email_key = \(key)") {
                throw KanavaError(.conflict, "a person with e-mail \(new.email) already exists")
            }
            guard let id = try await db.value("""
                INSERT INTO person (email, email_key, name, global_role, password_hash, created_at)
                VALUES (\(new.email), \(key), \(new.name), \(new.globalRole?.rawValue), \(new.passwordHash), \(time)) RETURNING id
                """, as: Int64.self)
            else { throw KanavaError(.internal, "the new person got no id") }
            return Person(id: PersonID(id), email: new.email, name: new.name, globalRole: new.globalRole, language: nil, createdAt: time)
        }
    }

    public func person(_ id: PersonID) async throws -> Person? {
        try await read("person") { db in try await db.row("SELECT * FROM person WHERE id = \(id.rawValue)").map(Person.init(pg:)) }
    }

    public func person(email: String) async throws -> Person? {
        try await read("personByEmail") { db in
            try await db.row("SELECT * FROM person WHERE email_key = \(EmailAddress.key(email))").map(Person.init(pg:))
        }
    }

    public func credentials(email: String) async throws -> (person: Person, passwordHash: String?)? {
        try await read("credentials") { db in
            guard let row = try await db.row("SELECT * FROM person WHERE email_key = \(EmailAddress.key(email))") else { return nil }
            return (try Person(pg: row), try row["password_hash"])
        }
    }

    public func setPasswordHash(_ hash: String, for person: PersonID) async throws {
        try await write("setPassword") { db in
            guard try await db.execute("UPDATE person SET password_hash = \(hash) WHERE id = \(person.rawValue)") == 1 else {
                throw KanavaError.notFound("person \(person)")
            }
        }
    }

    public func setGlobalRole(_ role: GlobalRole?, for person: PersonID) async throws {
        try await write("setGlobalRole") { db in
            guard try await db.execute("UPDATE person SET global_role = \(role?.rawValue) WHERE id = \(person.rawValue)") == 1 else {
                throw KanavaError.notFound("person \(person)")
            }
        }
    }

    public func people() async throws -> [Person] {
        try await read("people") { db in try await db.rows("SELECT * FROM person ORDER BY id").map(Person.init(pg:)) }
    }

    public func countPeople() async throws -> Int {
        try await read("countPeople") { db in try await db.value("SELECT COUNT(*) FROM person", as: Int.self) ?? 0 }
    }
}

extension Person {
    init(pg row: PGRow) throws {
        let role: String? = try row["global_role"]
        self.init(
            id: PersonID(try row["id"]),
            email: try row["email"],
            name: try row["name"],
            globalRole: role.flatMap(GlobalRole.init(rawValue:)),
            language: try row["language"],
            createdAt: try row["created_at"]
        )
    }
}
