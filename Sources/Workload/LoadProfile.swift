package import SpecDecoding
package import Traces

/// How hard and how long to drive the agents: closed-loop concurrency levels, or open-loop
/// arrival rates.
///
/// Closed loop: at each level N workers run attempts back to back. Open loop: tasks arrive at a
/// set rate (evenly spaced, or as a Poisson process) whatever the system's state, started by at
/// most `workers` at once; task latency counts from each arrival's intended start. A level lasts
/// `duration` (measured attempts are those started within it) or a number of measured attempts;
/// attempts started during the warm-up are recorded but excluded from every metric.
package struct LoadProfile: Sendable, Hashable {
    /// How attempts are started.
    package enum Arrival: String, Sendable, Hashable, Codable, CaseIterable {
        /// A fixed number of agents, each starting its next attempt when the last ends (`concurrency:`).
        case closed
        /// Arrivals evenly spaced at each of `rates:`.
        case constant
        /// Arrivals as a Poisson process at each of `rates:` (exponential gaps, seeded).
        case poisson
        /// One level: task i arrives `offsets[i]` seconds after the level's start (a replay's
        /// recorded session starts), tasks in the workload's order.
        case recorded
    }

    package enum Length: Sendable, Hashable {
        case duration(DurationSpec)
        /// Measured attempts per level.
        case attempts(Int)
        /// Measured attempts per worker: N × concurrency per level (`attempts_per_worker`), so
        /// every level runs the same number of waves.
        case attemptsPerWorker(Int)
    }

    package var concurrency: [Int]
    package var arrival: Arrival = .closed
    /// Open loop: tasks per second, one level each.
    package var rates: [Double] = []
    /// `recorded` arrivals: seconds after the level's start of each arrival, in task order.
    package var offsets: [Double] = []
    /// Open loop: the most attempts in flight; an arrival that finds them all busy starts late
    /// (counted), its latency still measured from its intended start.
    package var workers: Int?
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

    /// The default cap on an open-loop level's attempts in flight.
    package static let defaultWorkers = 1024

    /// True for arrival-rate levels.
    package var isOpenLoop: Bool { arrival != .closed }

    /// The most attempts in flight at any level (for sizing connection pools).
    package var maxInFlight: Int { isOpenLoop ? workers ?? Self.defaultWorkers : concurrency.max() ?? 1 }

    /// The levels' ids in order: `c16`, or `r2.5` for an arrival rate.
    package var levelIDs: [LevelID] {
        if arrival == .recorded { return [Self.recordedLevel] }
        return isOpenLoop ? rates.map { LevelID.rate(perSecond: $0) } : concurrency.map(LevelID.concurrency)
    }

    /// The one level of `recorded` arrivals.
    package static let recordedLevel = LevelID(rawValue: "recorded")

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
        if arrival == .recorded {
            try require(!offsets.isEmpty, .offsets, "recorded arrivals need offsets: seconds after the start, one per arrival")
            try require(
                offsets.allSatisfy { $0 >= 0 && $0 <= 366 * 86_400 }, .offsets, "expected offsets from 0 to 366 days in seconds")
            try require(rates.isEmpty, .rates, "recorded arrivals come at their offsets:, not at rates:")
            try require((1...100_000).contains(workers ?? 1), .workers, "expected 1 to 100000 workers")
        } else if isOpenLoop {
            try require(!rates.isEmpty, .rates, "an open-loop arrival needs rates: tasks per second, like [1, 2, 4]")
            try require(
                rates.allSatisfy { $0 > 0 && $0 <= 100_000 && $0.isFinite }, .rates, "expected rates above 0, up to 100000/s")
            try require(Set(rates).count == rates.count, .rates, "expected each rate once")
            try require((1...100_000).contains(workers ?? 1), .workers, "expected 1 to 100000 workers")
            if case .attemptsPerWorker = length {
                try require(false, .attemptsPerWorker, "attempts_per_worker belongs to closed loops; give attempts or duration")
            }
        } else {
            try require(rates.isEmpty, .rates, "rates: belong to open-loop arrivals; set arrival: constant or poisson")
            try require(offsets.isEmpty, .offsets, "offsets: belong to recorded arrivals; set arrival: recorded")
            try require(workers == nil, .workers, "workers: belongs to open-loop arrivals; closed loops use concurrency:")
            try require(!concurrency.isEmpty, .concurrency, "expected at least one concurrency level")
            try require(concurrency.allSatisfy { (1...4096).contains($0) }, .concurrency, "expected levels from 1 to 4096")
            try require(Set(concurrency).count == concurrency.count, .concurrency, "expected each level once")
        }
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
        case concurrency, arrival, rates, offsets, workers, duration, attempts, attemptsPerWorker = "attempts_per_worker", warmup
        case warmupAttempts = "warmup_attempts", attemptTimeout = "attempt_timeout", repeats
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let arrivalText = try c.decodeIfPresent(String.self, forKey: .arrival) ?? "closed"
        guard let arrival = Arrival(rawValue: arrivalText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .arrival, in: c,
                debugDescription: "expected closed, constant, poisson or recorded, found \"\(arrivalText)\"")
        }
        self.arrival = arrival
        if arrival != .closed, c.contains(.concurrency) {
            throw DecodingError.dataCorruptedError(
                forKey: .concurrency, in: c,
                debugDescription: "open-loop levels are rates:; cap attempts in flight with workers:, not concurrency:")
        }
        concurrency = try c.decodeIfPresent([Int].self, forKey: .concurrency) ?? (arrival == .closed ? [1, 16, 64] : [])
        rates = try c.decodeIfPresent([Double].self, forKey: .rates) ?? []
        let recordedOffsets = try c.decodeIfPresent([Double].self, forKey: .offsets) ?? []
        offsets = recordedOffsets
        workers = try c.decodeIfPresent(Int.self, forKey: .workers)
        let duration = try c.decodeIfPresent(DurationSpec.self, forKey: .duration)
        let attempts = try c.decodeIfPresent(Int.self, forKey: .attempts)
        let perWorker = try c.decodeIfPresent(Int.self, forKey: .attemptsPerWorker)
        switch (duration, attempts, perWorker) {
        case (nil, nil, nil) where arrival == .recorded:
            length = .attempts(max(1, recordedOffsets.count))  // the offsets are the level's arrivals
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
        if isOpenLoop {
            try c.encode(arrival, forKey: .arrival)
            if arrival == .recorded { try c.encode(offsets, forKey: .offsets) } else { try c.encode(rates, forKey: .rates) }
            try c.encodeIfPresent(workers, forKey: .workers)
        } else {
            try c.encode(concurrency, forKey: .concurrency)
        }
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
