import Hummingbird
import KanavaCore

extension Request {
    /// The query parameter `name` as a whole number in `range`: nil when it is absent, and `invalid` naming the
    /// parameter when it is not a number in range (`problem`, or "must be a whole number lower–upper").
    func queryInteger<Number: FixedWidthInteger>(_ name: String, in range: ClosedRange<Number>, problem: String? = nil) throws -> Number? {
        guard let raw = uri.queryParameters[Substring(name)] else { return nil }
        guard let value = Number(raw), range.contains(value) else {
            let bounds = range.upperBound == .max ? "≥ \(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
            throw KanavaError.invalid(name, problem ?? "must be a whole number \(bounds)")
        }
        return value
    }
}
