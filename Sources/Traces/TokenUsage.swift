/// Token counts of one step, kept in separate buckets that never overlap.
///
/// Buckets (SPEC §2): `uncachedInput + cacheRead + cacheWrite` is the whole prompt;
/// `output` is everything generated, of which `reasoning` is the hidden reasoning part.
/// `cacheWrite1h` is the part of `cacheWrite` written with a one-hour TTL; the rest is the
/// default five-minute TTL.
///
/// In trace files the buckets are written with OpenTelemetry GenAI names, where
/// `gen_ai.usage.input_tokens` *includes* cached tokens (as the convention says it SHOULD):
/// `uncached = input − cache_read − cache_creation`.
public struct TokenUsage: Sendable, Hashable, Codable {
    /// Prompt tokens that were neither read from nor written to a prompt cache.
    public var uncachedInput: Int
    /// Prompt tokens served from a prompt cache.
    public var cacheRead: Int
    /// Prompt tokens written to a prompt cache (all TTLs).
    public var cacheWrite: Int
    /// The part of `cacheWrite` written with a one-hour TTL.
    public var cacheWrite1h: Int
    /// Generated tokens, reasoning included.
    public var output: Int
    /// The reasoning part of `output`.
    public var reasoning: Int
    /// True when the counts were estimated (the server reported no usage), not reported.
    public var isEstimated: Bool

    /// Usage with the given buckets, in tokens; buckets left out are 0. The invariants are not checked here (see `violation`).
    public init(
        uncachedInput: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, cacheWrite1h: Int = 0,
        output: Int = 0, reasoning: Int = 0, isEstimated: Bool = false
    ) {
        self.uncachedInput = uncachedInput
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h
        self.output = output
        self.reasoning = reasoning
        self.isEstimated = isEstimated
    }

    /// The whole prompt: uncached + cache read + cache write.
    public var totalInput: Int { uncachedInput + cacheRead + cacheWrite }
    /// The five-minute-TTL part of `cacheWrite`.
    public var cacheWrite5m: Int { cacheWrite - cacheWrite1h }
    /// Every token the step processed or produced.
    public var total: Int { totalInput + output }

    /// Field-wise sum; the sum is estimated if either part is.
    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            uncachedInput: lhs.uncachedInput + rhs.uncachedInput,
            cacheRead: lhs.cacheRead + rhs.cacheRead,
            cacheWrite: lhs.cacheWrite + rhs.cacheWrite,
            cacheWrite1h: lhs.cacheWrite1h + rhs.cacheWrite1h,
            output: lhs.output + rhs.output,
            reasoning: lhs.reasoning + rhs.reasoning,
            isEstimated: lhs.isEstimated || rhs.isEstimated
        )
    }

    /// Adds `rhs` to `lhs` bucket by bucket, as `+` does.
    public static func += (lhs: inout TokenUsage, rhs: TokenUsage) { lhs = lhs + rhs }

    /// Checks the bucket invariants; returns a description of the first violation.
    public var violation: String? {
        let fields = [
            ("uncached input", uncachedInput), ("cache read", cacheRead), ("cache write", cacheWrite),
            ("1h cache write", cacheWrite1h), ("output", output), ("reasoning", reasoning),
        ]
        if let negative = fields.first(where: { $0.1 < 0 }) {
            return "\(negative.0) tokens must not be negative (got \(negative.1))"
        }
        if cacheWrite1h > cacheWrite {
            return "1h cache write tokens (\(cacheWrite1h)) exceed all cache write tokens (\(cacheWrite))"
        }
        if reasoning > output {
            return "reasoning tokens (\(reasoning)) exceed output tokens (\(output))"
        }
        return nil
    }
}

// MARK: - Provider conventions (SPEC §2)

extension TokenUsage {
    /// Usage whose input count *includes* cache reads and writes (OpenAI Chat Completions and
    /// Responses, LiteLLM): uncached = input − read − write, never below 0. Reasoning is part of
    /// output and at most all of it; the one-hour writes are part of the writes.
    public static func inputIncludingCache(
        input: Int, cacheRead: Int = 0, cacheWrite: Int = 0, cacheWrite1h: Int = 0, output: Int, reasoning: Int = 0
    ) -> TokenUsage {
        TokenUsage(
            uncachedInput: max(0, input - cacheRead - cacheWrite), cacheRead: cacheRead, cacheWrite: cacheWrite,
            cacheWrite1h: min(cacheWrite1h, cacheWrite), output: output, reasoning: min(reasoning, output))
    }

    /// Usage whose input count *excludes* cache reads and writes (Anthropic Messages, and Claude
    /// Code logs, which record its usage): uncached = input.
    public static func inputExcludingCache(
        input: Int, cacheRead: Int = 0, cacheWrite: Int = 0, cacheWrite1h: Int = 0, output: Int, reasoning: Int = 0
    ) -> TokenUsage {
        TokenUsage(
            uncachedInput: input, cacheRead: cacheRead, cacheWrite: cacheWrite, cacheWrite1h: min(cacheWrite1h, cacheWrite),
            output: output, reasoning: min(reasoning, output))
    }
}

extension TokenUsage {
    /// Most tokens one record (a step, or an attempt's unattributed totals) may count: far above
    /// any context or session, far below where sums of many records could overflow.
    public static let maxTokensPerRecord = 1_000_000_000_000
}

extension KeyedDecodingContainer {
    /// A token count at `key`, checked to be 0 … `TokenUsage.maxTokensPerRecord`; `nil` when absent.
    /// Every reader of token counts goes through here (or `BoundedTokenCount`, which does the
    /// checking), so no count in a file can trap a sum.
    package func decodeTokenCount(forKey key: Key) throws -> Int? {
        try decodeIfPresent(BoundedTokenCount.self, forKey: key)?.wrappedValue
    }
}

/// A token count in a file's wire type: 0 … `TokenUsage.maxTokensPerRecord`, or an error named
/// at its field that says what is wrong (out of range, or a fraction such as `12.5`). Absent is nil.
@propertyWrapper
package struct BoundedTokenCount: Decodable, Sendable {
    package var wrappedValue: Int?

    package init(wrappedValue: Int?) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            wrappedValue = nil
            return
        }
        let range = 0...TokenUsage.maxTokensPerRecord
        if let whole = try? single.decode(Int.self) {
            guard range.contains(whole) else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "expected a token count from 0 to \(range.upperBound), found \(whole)")
            }
            wrappedValue = whole
            return
        }
        // Not an Int: a number past Int's range (`1e20`) or a fraction is named as such.
        let number = try single.decode(Double.self)
        let problem = number.rounded() == number ? "out of range" : "not a whole number"
        throw DecodingError.dataCorruptedError(
            in: single,
            debugDescription: "expected a whole token count from 0 to \(range.upperBound), found \(number) (\(problem))")
    }
}

extension KeyedDecodingContainer {
    /// A token count that must be present, checked as `decodeTokenCount` checks it.
    package func decodeRequiredTokenCount(forKey key: Key) throws -> Int {
        guard let value = try decodeTokenCount(forKey: key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "a token count is required"))
        }
        return value
    }

    /// An absent `BoundedTokenCount` is nil, as an absent `Int?` is.
    package func decode(_ type: BoundedTokenCount.Type, forKey key: Key) throws -> BoundedTokenCount {
        try decodeIfPresent(type, forKey: key) ?? BoundedTokenCount(wrappedValue: nil)
    }
}
