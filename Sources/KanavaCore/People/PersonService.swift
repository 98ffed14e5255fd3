import Foundation
import Logging

/// Creating people and managing their credentials and global roles.
public struct PersonService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy
    let hasher: PasswordHasher
    let clock: any WallClock
    let maxNameChars: Int
    let logger: Logger
    let audit: AuditLog

    /// Adds a person. Admins (and the command line) only.
    public func add(email: String, name: String, globalRole: GlobalRole? = nil, password: String? = nil, by principal: Principal) async throws -> Person {
        try access.requireAdmin(principal)
        let email = try EmailAddress.validate(email)
        let name = try TextInput.required(name, field: "name", maxChars: maxNameChars)
        let hash: String? = if let password { await hasher.hash(try PasswordHasher.validate(password)) } else { nil }
        let person = try await store.createPerson(NewPerson(email: email, name: name, globalRole: globalRole, passwordHash: hash), at: clock.now())
        logger.info("person added", metadata: ["person": "\(person.id)", "by": "\(principal.label)"])
        await audit.record(.personAdded, by: principal, target: "person:\(person.id)", detail: globalRole.map { ["globalRole": $0.rawValue] } ?? [:])
        return person
    }

    /// Sets a new password and ends the person's other sessions. A person may change their own; admins anyone's.
    public func setPassword(email: String, password: String, by principal: Principal) async throws {
        guard let person = try await store.person(email: email) else { throw KanavaError.notFound("person \(email.prefix(100))") }
        guard principal.isAdmin || principal.person?.id == person.id else { throw KanavaError.forbidden }
        let hash = await hasher.hash(try PasswordHasher.validate(password))
        try await store.setPasswordHash(hash, for: person.id)
        try await store.deleteSessions(of: person.id)
        logger.info("password set", metadata: ["person": "\(person.id)", "by": "\(principal.label)"])
        await audit.record(.passwordSet, by: principal, target: "person:\(person.id)")
    }

    public func setGlobalRole(email: String, role: GlobalRole?, by principal: Principal) async throws -> Person {
        try access.requireAdmin(principal)
        guard var person = try await store.person(email: email) else { throw KanavaError.notFound("person \(email.prefix(100))") }
        try await store.setGlobalRole(role, for: person.id)
        person.globalRole = role
        logger.info("global role set", metadata: ["person": "\(person.id)", "role": "\(role?.rawValue ?? "none")", "by": "\(principal.label)"])
        await audit.record(.globalRoleChanged, by: principal, target: "person:\(person.id)", detail: ["globalRole": role?.rawValue ?? "none"])
        return person
    }

    public func list(by principal: Principal) async throws -> [Person] {
        try access.requireAdmin(principal)
        return try await store.people()
    }
}
