import SpecDecoding

/// Faults the simulated fleet's server injects into chat completions, each for a fraction of
/// requests, so that retry policies and error handling can be rehearsed on the built-in fleet.
/// Request *n* draws one number from a hash of `seed` and *n*: the same seed faults the same
/// requests, in arrival order.
///
/// ```yaml
/// fleet:
///   faults: {rate_limited: 0.05, retry_after: 500ms, server_error: 0.02, truncated: 0.01, malformed: 0.01}
/// ```
public struct FaultInjection: Sendable, Hashable {
    /// HTTP 429 with `Retry-After` (and `retry-after-ms`) of `retryAfterMilliseconds`, before any work.
    public var rateLimited: Double
    /// Whole milliseconds, as the `retry-after-ms` header carries them.
    public var retryAfterMilliseconds: Int
    /// HTTP 503, before any work.
    public var serverError: Double
    /// A stream that breaks off (the connection is closed) about halfway through the reply.
    public var truncated: Double
    /// A stream with one unparseable event about halfway through the reply.
    public var malformed: Double
    /// Seed of the per-request draws: the same seed faults the same requests.
    public var seed: UInt64

    /// Faults as given; by default none, a 1,000 ms retry-after and seed 1.
    public init(
        rateLimited: Double = 0, retryAfterMilliseconds: Int = 1000, serverError: Double = 0,
        truncated: Double = 0, malformed: Double = 0, seed: UInt64 = 1
    ) {
        self.rateLimited = rateLimited
        self.retryAfterMilliseconds = retryAfterMilliseconds
        self.serverError = serverError
        self.truncated = truncated
        self.malformed = malformed
        self.seed = seed
    }

    /// The fault a request gets; each case is drawn with the fraction of the same name.
    public enum Fault: Sendable, Hashable {
        case rateLimited, serverError, truncated, malformed
    }

    /// The fault for the `request`-th chat completion (from 0), if any.
    public func fault(forRequest request: UInt64) -> Fault? {
        let draw = Double(FNV1a.mix(FNV1a.mix(FNV1a.offset64, seed), request) >> 11) / Double(1 << 53)
        var bound = rateLimited
        if draw < bound { return .rateLimited }
        bound += serverError
        if draw < bound { return .serverError }
        bound += truncated
        if draw < bound { return .truncated }
        bound += malformed
        if draw < bound { return .malformed }
        return nil
    }
}

extension FaultInjection: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case rateLimited = "rate_limited", retryAfter = "retry_after", serverError = "server_error", truncated, malformed, seed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for key in [CodingKeys.rateLimited, .serverError, .truncated, .malformed] {
            let value = try c.decodeIfPresent(Double.self, forKey: key) ?? 0
            try c.require((0...1).contains(value), key, "expected a fraction of requests from 0 to 1")
        }
        self.init(
            rateLimited: try c.decodeIfPresent(Double.self, forKey: .rateLimited) ?? 0,
            retryAfterMilliseconds: Self.milliseconds(
                try c.decodeIfPresent(DurationSpec.self, forKey: .retryAfter) ?? DurationSpec(.seconds(1))),
            serverError: try c.decodeIfPresent(Double.self, forKey: .serverError) ?? 0,
            truncated: try c.decodeIfPresent(Double.self, forKey: .truncated) ?? 0,
            malformed: try c.decodeIfPresent(Double.self, forKey: .malformed) ?? 0,
            seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1)
        let total = rateLimited + serverError + truncated + malformed
        guard total <= 1 else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "the fractions of faulted requests add up to \(total); expected at most 1"))
        }
    }

    static func milliseconds(_ spec: DurationSpec) -> Int {
        let c = spec.duration.components
        return Int(c.seconds) * 1000 + Int(c.attoseconds / 1_000_000_000_000_000)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rateLimited, forKey: .rateLimited)
        try c.encode(DurationSpec(.milliseconds(retryAfterMilliseconds)), forKey: .retryAfter)
        try c.encode(serverError, forKey: .serverError)
        try c.encode(truncated, forKey: .truncated)
        try c.encode(malformed, forKey: .malformed)
        try c.encode(seed, forKey: .seed)
    }
}
