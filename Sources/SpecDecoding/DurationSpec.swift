/// A duration written with a unit: `250ms`, `2s`, `1.5m`, `1h`, `800us`.
///
/// A bare number is rejected: "2" could mean seconds or milliseconds, and a benchmark that
/// guesses wrong by 1000× is worse than one that asks.
public struct DurationSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The length of time, to the nanosecond; one parsed from text is never negative and at most 366 days.
    public var duration: Duration

    /// A spec of `duration`, taken as is (no range check).
    public init(_ duration: Duration) { self.duration = duration }

    /// Parses `text`; returns `nil` when it is not a number followed by a unit.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        let units: [(String, Double)] = [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, scale) in units where trimmed.hasSuffix(unit) {
            let number = trimmed.dropLast(unit.count).trimmingCharacters(in: " ")
            // At most a year: anything longer is a typo, and Int64 nanoseconds end near 292 years.
            guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 366 * 86_400 else { return nil }
            self.duration = .nanoseconds(Int64((value * scale * 1e9).rounded()))
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let expectation = "expected a duration with a unit, like 250ms, 2s, 1.5m or 1h, of at most 366 days"
        guard let text = try? container.decode(String.self) else {
            if let number = try? container.decode(Double.self) {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\(expectation); found the bare number \(number)")
            }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: expectation)
        }
        guard let parsed = DurationSpec(parsing: text) else {
            let found = Double(text) != nil ? "the bare number \(text)" : "\"\(text)\""
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(expectation); found \(found)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Seconds as a floating-point number.
    public var seconds: Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }

    /// Shortest exact form: `250ms`, `2s`, `1.5s`.
    public var description: String {
        let ns = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns % 1_000 == 0 { return "\(ns / 1_000)us" }
        return "\(Double(ns) / 1e9)s"
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
