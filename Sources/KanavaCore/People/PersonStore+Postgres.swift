import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: PersonStore {
    public func createPerson(_ person: NewPerson, at time: Date) async throws -> Person { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func person(_ id: PersonID) async throws -> Person? { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func person(email: String) async throws -> Person? { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func credentials(email: String) async throws -> (person: Person, passwordHash: String?)? { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func setPasswordHash(_ hash: String, for person: PersonID) async throws { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func setGlobalRole(_ role: GlobalRole?, for person: PersonID) async throws { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func people() async throws -> [Person] { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
    public func countPeople() async throws -> Int { throw KanavaError(.unavailable, "PersonStore is not on PostgreSQL yet") }
}
