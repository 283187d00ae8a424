package import SpecDecoding
package import Traces

/// When a failed model call is tried again. Every try is a step in the trace (its tokens,
/// latency and error count), so the cost of retrying shows.
package struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included (1: never retry).
    package var maxTries: Int
    /// `error.type` values to retry: exact (`http_429`, `connect_error`, `timeout`,
    /// `first_token_timeout`, `truncated_stream`, …) or a class (`http_5xx`, `http_4xx`).
    package var retryOn: [String]
    /// Wait before the second try; doubled for each later one, up to `maxBackoff`.
    package var backoff: DurationSpec
    package var maxBackoff: DurationSpec
    /// Wait what a 429 or 503's `Retry-After` asks (capped at `maxBackoff`) instead of the backoff.
    package var honourRetryAfter: Bool

    /// Three tries on rate limits, server errors and failed or dropped connections, as the
    /// OpenAI and Anthropic SDKs do by default; timeouts and broken streams are not retried.
    package static let `default` = RetryPolicy(
        maxTries: 3, retryOn: ["http_429", "http_5xx", "connect_error", "connect_timeout", "connection_closed"],
        backoff: DurationSpec(.milliseconds(500)), maxBackoff: DurationSpec(.seconds(8)), honourRetryAfter: true)

    package static let never = RetryPolicy(
        maxTries: 1, retryOn: [], backoff: DurationSpec(.zero), maxBackoff: DurationSpec(.zero), honourRetryAfter: false)

    package init(maxTries: Int, retryOn: [String], backoff: DurationSpec, maxBackoff: DurationSpec, honourRetryAfter: Bool) {
        self.maxTries = maxTries
        self.retryOn = retryOn
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.honourRetryAfter = honourRetryAfter
    }

    /// Whether a call that failed with `errorType` on try `tried` (from 1) gets another.
    package func retries(_ error: StepErrorType, afterTry tried: Int) -> Bool {
        guard tried < maxTries else { return false }
        let errorType = error.rawValue
        return retryOn.contains { pattern in
            if pattern == errorType { return true }
            // http_5xx matches http_500…http_599.
            if pattern.hasSuffix("xx"), errorType.hasPrefix(String(pattern.dropLast(2))),
                errorType.count == pattern.count
            {
                return true
            }
            return false
        }
    }

    /// How long to wait after try `tried` (from 1) failed.
    package func delay(afterTry tried: Int, retryAfter: Duration?) -> Duration {
        if honourRetryAfter, let retryAfter { return min(retryAfter, maxBackoff.duration) }
        let exponential = backoff.duration * (1 << min(tried - 1, 20))
        return min(exponential, maxBackoff.duration)
    }
}

extension RetryPolicy: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxTries = "max_tries", retryOn = "on", backoff, maxBackoff = "max_backoff"
        case honourRetryAfter = "honour_retry_after"
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RetryPolicy.default
        maxTries = try c.decodeIfPresent(Int.self, forKey: .maxTries) ?? d.maxTries
        try c.require((1...20).contains(maxTries), .maxTries, "expected 1 to 20 tries (1 means no retry)")
        retryOn = try c.decodeIfPresent([String].self, forKey: .retryOn) ?? d.retryOn
        backoff = try c.decodeIfPresent(DurationSpec.self, forKey: .backoff) ?? d.backoff
        maxBackoff = try c.decodeIfPresent(DurationSpec.self, forKey: .maxBackoff) ?? d.maxBackoff
        try c.require(maxBackoff.duration >= backoff.duration, .maxBackoff, "expected max_backoff at or above backoff")
        honourRetryAfter = try c.decodeIfPresent(Bool.self, forKey: .honourRetryAfter) ?? d.honourRetryAfter
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxTries, forKey: .maxTries)
        try c.encode(retryOn, forKey: .retryOn)
        try c.encode(backoff, forKey: .backoff)
        try c.encode(maxBackoff, forKey: .maxBackoff)
        try c.encode(honourRetryAfter, forKey: .honourRetryAfter)
    }
}
