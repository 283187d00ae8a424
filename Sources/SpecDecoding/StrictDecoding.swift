/// Decoding helpers for hand-written spec files (workloads, fleets), where a typo must be an
/// error that names the field instead of a silently ignored key.

/// A coding key for any string, used to list the keys a mapping really has.
public struct AnyKey: CodingKey, Hashable, Sendable {
    /// The key as written, or a list index in decimal.
    public var stringValue: String
    /// The index of a list position; nil for a mapping key.
    public var intValue: Int?
    /// A mapping key.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// A list position; its string value is the index in decimal.
    public init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws when the mapping being decoded has a key that `Keys` does not list, naming the
    /// key and the keys that are allowed.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyKey.self)
        let allowed = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            let suggestion = allowed.min { editDistance($0, key.stringValue) < editDistance($1, key.stringValue) }
            let hint = suggestion.flatMap { editDistance($0, key.stringValue) <= 2 ? " (did you mean \"\($0)\"?)" : nil } ?? ""
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription:
                        "unknown field \"\(key.stringValue)\"\(hint); allowed here: \(allowed.joined(separator: ", "))"))
        }
    }
}

extension KeyedDecodingContainer {
    /// Throws a `dataCorrupted` error at `key` with `message` unless `condition` holds.
    public func require(_ condition: Bool, _ key: Key, _ message: @autoclosure () -> String) throws {
        if !condition {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: message())
        }
    }
}

/// Levenshtein distance, for "did you mean" hints on short field names.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for (j, cb) in b.enumerated() {
            current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
