public import Foundation

/// The header of a trace file: what was run, and the wall-clock anchor of the monotonic clock.
///
/// Every `*_ns` timestamp in the file counts nanoseconds on a monotonic clock from this run's
/// origin; `startedAt` is the wall-clock time at that origin.
public struct RunRecord: Sendable, Hashable {
    /// `run_id`, unique per run; every record of the file carries it.
    public var runID: String
    /// Wall-clock time at monotonic 0; `nil` when the source recorded no wall-clock time (some
    /// imported traces), never a made-up 1970.
    public var startedAt: Date?
    /// Version of the tool that wrote the file.
    public var agentperfVersion: String
    /// Name of the workload, or of the imported source.
    public var workload: String
    /// The workload's random seed; nil for imported traces.
    public var seed: UInt64?
    /// Concurrency levels the run planned, in order.
    public var concurrencyLevels: [Int]
    /// Where the model calls went: `simulated fleet (in-process)` or a base URL.
    public var target: String?
    /// The clock the run's timestamps come from; `nil` for imported traces and older runs (real
    /// time).
    public var clock: TraceClock?
    /// What the source does not record at all (an importer's declaration), so that figures
    /// built on it print n/a with the reason instead of 0. Empty for AgentPerf's own runs.
    public var notRecorded: Set<UnrecordedQuantity> = []
    /// The share of a sharded run this file holds (`run --shard i/n`); nil for a whole run,
    /// including one merged from shards.
    public var shard: Shard?
    /// The shards a merged run was made from (`agentperf merge`); empty otherwise.
    public var mergedFrom: [String] = []

    /// A run header; optional fields left out are absent from the file.
    public init(
        runID: String, startedAt: Date?, agentperfVersion: String, workload: String, seed: UInt64? = nil,
        concurrencyLevels: [Int] = [], target: String? = nil, clock: TraceClock? = nil
    ) {
        self.clock = clock
        self.runID = runID
        self.startedAt = startedAt
        self.agentperfVersion = agentperfVersion
        self.workload = workload
        self.seed = seed
        self.concurrencyLevels = concurrencyLevels
        self.target = target
    }
}

extension RunRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case record, schemaVersion = "schema_version", runID = "run_id", startedAt = "started_at"
        case agentperfVersion = "agentperf_version", workload, seed, concurrencyLevels = "concurrency_levels"
        case target, clock, notRecorded = "not_recorded", shard, mergedFrom = "merged_from"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try SchemaCheck.expect(.run, in: c, record: .record, version: .schemaVersion)
        runID = try c.decode(String.self, forKey: .runID)
        if let stamp = try c.decodeIfPresent(String.self, forKey: .startedAt) {
            guard let date = Timestamps.parse(stamp) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .startedAt, in: c,
                    debugDescription: "expected an ISO 8601 timestamp like 2026-11-21T10:00:00.000Z, found \"\(stamp)\"")
            }
            startedAt = date
        } else {
            startedAt = nil
        }
        agentperfVersion = try c.decode(String.self, forKey: .agentperfVersion)
        workload = try c.decode(String.self, forKey: .workload)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        concurrencyLevels = try c.decodeIfPresent([Int].self, forKey: .concurrencyLevels) ?? []
        target = try c.decodeIfPresent(String.self, forKey: .target)
        clock = try c.decodeIfPresent(TraceClock.self, forKey: .clock)
        // Names a later version may add are dropped, not fatal to the whole header.
        notRecorded = Set((try c.decodeIfPresent([String].self, forKey: .notRecorded) ?? []).compactMap(UnrecordedQuantity.init))
        shard = try c.decodeIfPresent(Shard.self, forKey: .shard)
        mergedFrom = try c.decodeIfPresent([String].self, forKey: .mergedFrom) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RecordKind.run, forKey: .record)
        try c.encode(TraceSchema.version, forKey: .schemaVersion)
        try c.encode(runID, forKey: .runID)
        try c.encodeIfPresent(startedAt.map(Timestamps.format), forKey: .startedAt)
        try c.encode(agentperfVersion, forKey: .agentperfVersion)
        try c.encode(workload, forKey: .workload)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encode(concurrencyLevels, forKey: .concurrencyLevels)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encodeIfPresent(clock, forKey: .clock)
        if !notRecorded.isEmpty { try c.encode(notRecorded.sorted { $0.rawValue < $1.rawValue }, forKey: .notRecorded) }
        try c.encodeIfPresent(shard, forKey: .shard)
        if !mergedFrom.isEmpty { try c.encode(mergedFrom, forKey: .mergedFrom) }
    }
}

/// A quantity a trace source does not record (`not_recorded` in its run header).
public enum UnrecordedQuantity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Token counts of any kind (τ-bench's original results).
    case tokens
    /// The split of input tokens into uncached, cache-read and cache-write buckets (SWE-agent's
    /// `model_stats` counts input tokens whole).
    case cacheBuckets = "cache_buckets"
}

/// Which clock a run's timestamps come from.
public enum TraceClock: String, Sendable, Hashable, Codable {
    /// Real time: a monotonic clock, real sockets, real latency.
    case continuous
    /// Simulated time (`agentperf` in virtual time): every figure is the simulator's.
    case virtual
}

/// ISO 8601 with milliseconds, UTC.
enum Timestamps {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
