import Foundation
import NIOCore
import PostgresNIO

/// A date bound into a query as Kanava's `TIMESTAMPTZ(3)` columns hold it: rounded to the nearest millisecond, as
/// PostgreSQL rounds a value it stores.
///
/// Without it a row written at an instant with microseconds is stored rounded (up, half the time) while a query's
/// bound instant is compared unrounded, so "everything up to now" could miss a row written a fraction of a millisecond
/// earlier. Every `Date` interpolated into a ``PostgresQuery`` goes through here (see the overloads below); SQLite
/// keeps milliseconds too, so both stores compare times at the same precision.
struct MillisecondTimestamp: PostgresNonThrowingEncodable {
    /// Milliseconds since PostgreSQL's epoch, 2000-01-01 00:00 UTC.
    let milliseconds: Int64

    private static let epoch = Date(timeIntervalSince1970: 946_684_800)

    init(_ date: Date) {
        milliseconds = Int64((date.timeIntervalSince(Self.epoch) * 1000).rounded())
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(milliseconds * 1000) // microseconds, exactly
    }
}

extension PostgresQuery.StringInterpolation {
    /// Binds `date` at millisecond precision (``MillisecondTimestamp``). Being more specific than PostgresNIO's generic
    /// interpolation, it is the one the compiler picks for every `Date`.
    mutating func appendInterpolation(_ date: Date) {
        appendInterpolation(MillisecondTimestamp(date))
    }

    mutating func appendInterpolation(_ date: Date?) {
        appendInterpolation(date.map(MillisecondTimestamp.init))
    }
}
