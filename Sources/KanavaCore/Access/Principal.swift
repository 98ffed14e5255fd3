import Foundation

/// Who is acting: a signed-in person, or the system itself (the command line, the roster sync, schedulers).
public enum Principal: Sendable {
    case person(Person)
    /// Trusted internal callers, named for logs and audit (e.g. `cli`, `roster`).
    case system(String)

    public var person: Person? {
        if case .person(let person) = self { return person }
        return nil
    }

    public var isAdmin: Bool {
        switch self {
        case .person(let person): person.isAdmin
        case .system: true
        }
    }

    public var label: String {
        switch self {
        case .person(let person): "person:\(person.id)"
        case .system(let name): "system:\(name)"
        }
    }
}
