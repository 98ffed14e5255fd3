import Foundation

/// What both quality card stores (SQLite and PostgreSQL) decide the same way: how submitted figures are stored, which
/// version is in force, how a membership event reads as a step, and the refusals with their wording.
enum QualityCardStoreRules {
    /// Submitted figures are stored as this JSON text in `quality_card.figures`: dates as milliseconds, keys sorted.
    static let figuresEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let figuresDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encodeFigures(_ figures: QualityFigures) throws -> String {
        String(decoding: try figuresEncoder.encode(figures), as: UTF8.self)
    }

    static func decodeFigures(_ json: String?) throws -> QualityFigures? {
        try json.map { try figuresDecoder.decode(QualityFigures.self, from: Data($0.utf8)) }
    }

    /// A month's versions, oldest first, given their states: the newest submitted one is in force, earlier submitted
    /// ones are superseded, the rest are drafts.
    static func stated(_ versions: [QualityCardVersion]) -> [QualityCardVersion] {
        let inForce = versions.last(where: \.isSubmitted)?.version
        return versions.map { version in
            var version = version
            version.state = !version.isSubmitted ? .draft : version.version == inForce ? .submitted : .superseded
            return version
        }
    }

    static func changedMeanwhile(_ month: CardMonth, newest: Int) -> KanavaError {
        KanavaError(.conflict, "the \(month) card was changed meanwhile (now version \(newest)); reload it and save again")
    }

    static func alreadySubmitted(_ version: Int, of month: CardMonth, by submitter: String?, at submittedAt: Date) -> KanavaError {
        KanavaError(.alreadySubmitted, "version \(version) of the \(month) card was already submitted"
            + (submitter.map { " by \($0)" } ?? "") + " at \(submittedAt.formatted(.iso8601)); edit it to make version \(version + 1)")
    }

    static let statusRequired = KanavaError.invalid("status", "is required to submit: choose green, yellow or red and save first")

    /// The kinds of channel events that are membership steps.
    static let stepKinds: [EventKind: MembershipStep.Kind] = [.membershipAdded: .joined, .membershipChanged: .changed, .membershipRemoved: .left]

    /// A membership event (one of ``stepKinds``) as a step; nil for another kind.
    static func step(kind: EventKind, payload: Data, at time: Date) throws -> MembershipStep? {
        guard let kind = stepKinds[kind] else { return nil }
        let member = try stepDecoder.decode(MemberPayload.self, from: payload)
        return MembershipStep(at: time, kind: kind, person: member.person.id, role: member.role, sites: member.sites)
    }

    /// The part of a membership event's data the figures need.
    private struct MemberPayload: Decodable {
        struct Person: Decodable { var id: PersonID }
        var person: Person
        var role: ChannelRole
        var sites: [String]
    }

    private static let stepDecoder = JSONDecoder()
}
