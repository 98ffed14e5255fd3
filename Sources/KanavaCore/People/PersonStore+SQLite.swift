import Foundation
import GRDB

extension SQLiteStore: PersonStore {
    public func createPerson(_ new: NewPerson, at time: Date) async throws -> Person {
        try await write("createPerson") { db in
            if try Self.fetchPerson(db, where: "email_key = ?", EmailAddress.key(new.email)) != nil {
                throw KanavaError(.conflict, "a person with e-mail \(new.email) already exists")
            }
            try db.execute(
                sql: "INSERT INTO person (email, email_key, name, global_role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [new.email, EmailAddress.key(new.email), new.name, new.globalRole?.rawValue, new.passwordHash, time]
            )
            return Person(id: PersonID(db.lastInsertedRowID), email: new.email, name: new.name,
                          globalRole: new.globalRole, language: nil, createdAt: time)
        }
    }

    public func person(_ id: PersonID) async throws -> Person? {
        try await read("person") { db in try Self.fetchPerson(db, where: "id = ?", id.rawValue) }
    }

    public func person(email: String) async throws -> Person? {
        try await read("personByEmail") { db in try Self.fetchPerson(db, where: "email_key = ?", EmailAddress.key(email)) }
    }

    public func credentials(email: String) async throws -> (person: Person, passwordHash: String?)? {
        try await read("credentials") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM person WHERE email_key = ?", arguments: [EmailAddress.key(email)]) else { return nil }
            return (Person(row: row), row["password_hash"])
        }
    }

    public func setPasswordHash(_ hash: String, for person: PersonID) async throws {
        try await write("setPassword") { db in
            try db.execute(sql: "UPDATE person SET password_hash = ? WHERE id = ?", arguments: [hash, person.rawValue])
            guard db.changesCount == 1 else { throw KanavaError.notFound("person \(person)") }
        }
    }

    public func setGlobalRole(_ role: GlobalRole?, for person: PersonID) async throws {
        try await write("setGlobalRole") { db in
            try db.execute(sql: "UPDATE person SET global_role = ? WHERE id = ?", arguments: [role?.rawValue, person.rawValue])
            guard db.changesCount == 1 else { throw KanavaError.notFound("person \(person)") }
        }
    }

    public func people() async throws -> [Person] {
        try await read("people") { db in try Row.fetchAll(db, sql: "SELECT * FROM person ORDER BY id").map(Person.init(row:)) }
    }

    public func countPeople() async throws -> Int {
        try await read("countPeople") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") ?? 0 }
    }

    static func fetchPerson(_ db: Database, where condition: String, _ argument: some DatabaseValueConvertible & Sendable) throws -> Person? {
        try Row.fetchOne(db, sql: "SELECT * FROM person WHERE \(condition)", arguments: [argument]).map(Person.init(row:))
    }
}

extension Person {
    init(row: Row) {
        let role: String? = row["global_role"]
        self.init(
            id: PersonID(row["id"]),
            email: row["email"],
            name: row["name"],
            globalRole: role.flatMap(GlobalRole.init(rawValue:)),
            language: row["language"],
            createdAt: row["created_at"]
        )
    }
}
