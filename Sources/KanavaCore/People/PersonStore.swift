import Foundation

public protocol PersonStore: Sendable {
    /// Creates a person; a person with the same e-mail (ignoring case) is a conflict.
    func createPerson(_ person: NewPerson, at time: Date) async throws -> Person
    func person(_ id: PersonID) async throws -> Person?
    func person(email: String) async throws -> Person?
    /// The person and their bcrypt hash, for sign-in.
    func credentials(email: String) async throws -> (person: Person, passwordHash: String?)?
    func setPasswordHash(_ hash: String, for person: PersonID) async throws
    func setGlobalRole(_ role: GlobalRole?, for person: PersonID) async throws
    func people() async throws -> [Person]
    func countPeople() async throws -> Int
}
