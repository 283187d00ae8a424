public import SpecDecoding

/// How hard and how long to drive the agents: closed-loop concurrency levels.
///
/// At each level N workers run attempts back to back. A level lasts `duration` (measured
/// attempts are those started within it) or `attempts` measured attempts; attempts started
/// during the warm-up are recorded but excluded from every metric.
public struct LoadProfile: Sendable, Hashable {
    public enum Length: Sendable, Hashable {
        case duration(DurationSpec)
        case attempts(Int)
    }

    public var concurrency: [Int]
    public var length: Length
    /// Warm-up at the start of each level, by time.
    public var warmup: DurationSpec?
    /// Warm-up at the start of each level, by attempts.
    public var warmupAttempts: Int?
    /// An attempt running longer than this is stopped and recorded as a timeout.
    public var attemptTimeout: DurationSpec

    public init(
        concurrency: [Int] = [1, 16, 64], length: Length, warmup: DurationSpec? = nil, warmupAttempts: Int? = nil,
        attemptTimeout: DurationSpec = DurationSpec(.seconds(300))
    ) {
        self.concurrency = concurrency
        self.length = length
        self.warmup = warmup
        self.warmupAttempts = warmupAttempts
        self.attemptTimeout = attemptTimeout
    }
}

extension LoadProfile: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case concurrency, duration, attempts, warmup, warmupAttempts = "warmup_attempts"
        case attemptTimeout = "attempt_timeout"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        concurrency = try c.decodeIfPresent([Int].self, forKey: .concurrency) ?? [1, 16, 64]
        try c.require(!concurrency.isEmpty, .concurrency, "expected at least one concurrency level")
        try c.require(concurrency.allSatisfy { (1...4096).contains($0) }, .concurrency, "expected levels from 1 to 4096")
        try c.require(Set(concurrency).count == concurrency.count, .concurrency, "expected each level once")
        let duration = try c.decodeIfPresent(DurationSpec.self, forKey: .duration)
        let attempts = try c.decodeIfPresent(Int.self, forKey: .attempts)
        switch (duration, attempts) {
        case (let d?, nil):
            try c.require(d.duration > .zero, .duration, "expected a duration above 0")
            length = .duration(d)
        case (nil, let n?):
            try c.require(n >= 1, .attempts, "expected at least 1 attempt per level")
            length = .attempts(n)
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "give exactly one of duration (like 30s) or attempts (like 50) per level"))
        }
        warmup = try c.decodeIfPresent(DurationSpec.self, forKey: .warmup)
        warmupAttempts = try c.decodeIfPresent(Int.self, forKey: .warmupAttempts)
        try c.require((warmupAttempts ?? 0) >= 0, .warmupAttempts, "expected 0 or more")
        try c.require(
            warmup == nil || warmupAttempts == nil, .warmupAttempts, "give warmup (a duration) or warmup_attempts, not both")
        attemptTimeout = try c.decodeIfPresent(DurationSpec.self, forKey: .attemptTimeout) ?? DurationSpec(.seconds(300))
        try c.require(attemptTimeout.duration > .zero, .attemptTimeout, "expected a duration above 0")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(concurrency, forKey: .concurrency)
        switch length {
        case .duration(let d): try c.encode(d, forKey: .duration)
        case .attempts(let n): try c.encode(n, forKey: .attempts)
        }
        try c.encodeIfPresent(warmup, forKey: .warmup)
        try c.encodeIfPresent(warmupAttempts, forKey: .warmupAttempts)
        try c.encode(attemptTimeout, forKey: .attemptTimeout)
    }
}
