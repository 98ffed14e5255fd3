import Foundation
import Logging

/// `kanava erase-person EMAIL`: a GDPR erasure request. The person's own data is removed or anonymised; what they
/// wrote and did in channels stays as the company's records, attributed to "Poistettu henkilö".
///
/// Removed: password, global role, language, sessions, memberships (each channel gets a `membership.removed` event,
/// which ends their open sockets' subscriptions), calendar feed, read markers, mails to them in the outbox, notice
/// follow-up state. Anonymised: the person row (name ``erasedName``, e-mail `erased-<id>@erased.invalid`), their
/// e-mail in the roster history, and their name and e-mail in stored event data and message mentions. Kept: messages,
/// section revisions, documents, acknowledgements, feedback, memos, card versions and planner tasks (their author is
/// the erased person now). Texts that mention the person by name are not rewritten. All of it is one transaction.
public struct PersonErasure: Sendable {
    public static let erasedName = "Poistettu henkilö"
    public static let erasedDomain = "erased.invalid"

    let store: any PrivacyStore & PersonStore
    let bus: EventBus
    let clock: any WallClock
    let audit: AuditLog
    let logger: Logger

    public init(store: any PrivacyStore & PersonStore, bus: EventBus, clock: any WallClock, audit: AuditLog, logger: Logger) {
        self.store = store
        self.bus = bus
        self.clock = clock
        self.audit = audit
        self.logger = logger
    }

    public enum Outcome: Sendable, Equatable {
        /// The person was erased (or, in a dry run, would be) with these changes.
        case erased(PersonID, ErasureCounts)
        /// The e-mail is an erased person's: nothing more to do.
        case alreadyErased(PersonID)
    }

    /// The e-mail an erased person gets (unique, and reserved by RFC 2606 so that it can never receive mail).
    public static func erasedEmail(_ id: PersonID) -> String { "erased-\(id)@\(erasedDomain)" }

    /// Erases the person with `email`. Only the system (the command line) and admins may.
    public func erase(email: String, dryRun: Bool, by principal: Principal) async throws -> Outcome {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        let address = try EmailAddress.validate(email)
        guard let person = try await store.person(email: address) else {
            throw KanavaError(.notFound, "no person has the e-mail \(address) (an erased person's former e-mail is not kept)")
        }
        let erased = PersonRef(id: person.id, name: Self.erasedName, email: Self.erasedEmail(person.id))
        if EmailAddress.key(person.email) == EmailAddress.key(erased.email) { return .alreadyErased(person.id) }
        let committed = try await store.erasePerson(person.id, as: erased, at: clock.now(), dryRun: dryRun)
        guard !dryRun else { return .erased(person.id, committed.value) }
        bus.publish(committed.events)
        await audit.record(.erasure, by: principal, target: "person:\(person.id)", detail: committed.value.detail)
        logger.notice("erased a person", metadata: ["person": "\(person.id)"])
        return .erased(person.id, committed.value)
    }
}
