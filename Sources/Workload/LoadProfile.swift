package import SpecDecoding

/// How hard and how long to drive the agents: closed-loop concurrency levels.
///
/// At each level N workers run attempts back to back. A level lasts `duration` (measured
/// attempts are those started within it) or `attempts` measured attempts; attempts started
/// during the warm-up are recorded but excluded from every metric.
package struct LoadProfile: Sendable, Hashable {
    package enum Length: Sendable, Hashable {
        case duration(DurationSpec)
        /// Measured attempts per level.
        case attempts(Int)
        /// Measured attempts per worker: N × concurrency per level (`attempts_per_worker`), so
        /// every level runs the same number of waves.
        case attemptsPerWorker(Int)
    }

    package var concurrency: [Int]
    package var length: Length
    /// Warm-up at the start of each level, by time.
    package var warmup: DurationSpec?
    /// Warm-up at the start of each level, by attempts.
    package var warmupAttempts: Int?
    /// An attempt running longer than this is stopped and recorded as a timeout.
    package var attemptTimeout: DurationSpec
    /// Variant runs only: attempts of each task under each variant at each level (default 10).
    package var repeats: Int?

    /// Attempts per task and variant in a variant run.
    package var variantRepeats: Int { repeats ?? 10 }

    package init(
        concurrency: [Int] = [1, 16, 64], length: Length, warmup: DurationSpec? = nil, warmupAttempts: Int? = nil,
        attemptTimeout: DurationSpec = DurationSpec(.seconds(300))
    ) {
        self.concurrency = concurrency
        self.length = length
        self.warmup = warmup
        self.warmupAttempts = warmupAttempts
        self.attemptTimeout = attemptTimeout
    }

    /// Why a load profile cannot run: the field (as the workload file names it) and what it
    /// should be.
    package struct Invalid: Error, Sendable, Hashable {
        package var field: String
        package var message: String
    }

    /// Checks every rule of a load profile, wherever its values came from (a file, flags).
    package func validate() throws(Invalid) {
        func require(_ condition: Bool, _ field: CodingKeys, _ message: String) throws(Invalid) {
            if !condition { throw Invalid(field: field.stringValue, message: message) }
        }
        try require(!concurrency.isEmpty, .concurrency, "expected at least one concurrency level")
        try require(concurrency.allSatisfy { (1...4096).contains($0) }, .concurrency, "expected levels from 1 to 4096")
        try require(Set(concurrency).count == concurrency.count, .concurrency, "expected each level once")
        switch length {
        case .duration(let d): try require(d.duration > .zero, .duration, "expected a duration above 0")
        case .attempts(let n): try require(n >= 1, .attempts, "expected at least 1 attempt per level")
        case .attemptsPerWorker(let n):
            try require((1...1_000_000).contains(n), .attemptsPerWorker, "expected 1 to 1000000 attempts per worker")
        }
        try require((warmupAttempts ?? 0) >= 0, .warmupAttempts, "expected 0 or more")
        try require(
            warmup == nil || warmupAttempts == nil, .warmupAttempts, "give warmup (a duration) or warmup_attempts, not both")
        try require(attemptTimeout.duration > .zero, .attemptTimeout, "expected a duration above 0")
        try require((1...100_000).contains(repeats ?? 1), .repeats, "expected 1 to 100000 repeats")
    }
}

extension LoadProfile: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case concurrency, duration, attempts, attemptsPerWorker = "attempts_per_worker", warmup
        case warmupAttempts = "warmup_attempts", attemptTimeout = "attempt_timeout", repeats
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        concurrency = try c.decodeIfPresent([Int].self, forKey: .concurrency) ?? [1, 16, 64]
        let duration = try c.decodeIfPresent(DurationSpec.self, forKey: .duration)
        let attempts = try c.decodeIfPresent(Int.self, forKey: .attempts)
        let perWorker = try c.decodeIfPresent(Int.self, forKey: .attemptsPerWorker)
        switch (duration, attempts, perWorker) {
        case (let d?, nil, nil):
            length = .duration(d)
        case (nil, let n?, nil):
            length = .attempts(n)
        case (nil, nil, let n?):
            length = .attemptsPerWorker(n)
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "give exactly one of duration (like 30s), attempts (like 50 per level) or attempts_per_worker (like 2)"))
        }
        warmup = try c.decodeIfPresent(DurationSpec.self, forKey: .warmup)
        warmupAttempts = try c.decodeIfPresent(Int.self, forKey: .warmupAttempts)
        attemptTimeout = try c.decodeIfPresent(DurationSpec.self, forKey: .attemptTimeout) ?? DurationSpec(.seconds(300))
        repeats = try c.decodeIfPresent(Int.self, forKey: .repeats)
        do throws(Invalid) { try validate() } catch {
            throw DecodingError.dataCorruptedError(
                forKey: CodingKeys(rawValue: error.field) ?? .concurrency, in: c, debugDescription: error.message)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(concurrency, forKey: .concurrency)
        switch length {
        case .duration(let d): try c.encode(d, forKey: .duration)
        case .attempts(let n): try c.encode(n, forKey: .attempts)
        case .attemptsPerWorker(let n): try c.encode(n, forKey: .attemptsPerWorker)
        }
        try c.encodeIfPresent(warmup, forKey: .warmup)
        try c.encodeIfPresent(warmupAttempts, forKey: .warmupAttempts)
        try c.encodeIfPresent(repeats, forKey: .repeats)
        try c.encode(attemptTimeout, forKey: .attemptTimeout)
    }
}
