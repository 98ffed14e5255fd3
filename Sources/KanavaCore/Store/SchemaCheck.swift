/// The rule both stores follow at start: a database may be behind this program (its migrations then run), never
/// ahead of it.
enum SchemaCheck {
    /// Throws when the database has migrations this program does not know: a newer Kanava upgraded it, and this
    /// node's code would misread the new schema.
    static func refuseNewer(applied: [String], known: [String]) throws(SchemaTooNew) {
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { throw SchemaTooNew(unknown: unknown, newestKnown: known.last ?? "") }
    }
}

/// A database whose schema a newer version of Kanava has migrated: this (older) node refuses to start.
public struct SchemaTooNew: Error, Sendable, CustomStringConvertible {
    public let unknown: [String]
    public let newestKnown: String

    public var description: String {
        "the database's schema is newer than this kanava: it has the migration(s) \(unknown.joined(separator: ", ")), "
            + "this program knows up to \(newestKnown). Run the newer kanava version on this node too."
    }
}
