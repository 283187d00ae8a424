/// The measurement window of one concurrency level, written when the level ends.
///
/// `start` is the end of warm-up; `end` is when the level stopped issuing attempts, so that in
/// a closed loop every worker is busy for the whole window (steady state). Measured attempts
/// are those issued inside it; they may end after `end`, up to `drainEnd`. Throughput figures
/// divide by `end − start`.
public struct WindowRecord: Sendable, Hashable {
    /// `run_id` of the run the window belongs to.
    public var runID: String
    /// The level this window measured.
    public var level: LevelID
    /// Agents of a closed-loop level; `nil` for an open-loop one.
    public var concurrency: Int?
    /// When the level began issuing attempts (warm-up included), ns since run origin.
    public var levelStart: Int64
    /// Start of the measurement window (end of warm-up), ns since run origin.
    public var start: Int64
    /// End of the measurement window, ns since run origin.
    public var end: Int64
    /// End of the last measured attempt, ns since run origin (≥ `end`).
    public var drainEnd: Int64?
    /// True when the level was cut short (Ctrl-C); its figures cover what finished.
    public var interrupted: Bool
    /// The variant the window measured (variant runs: one window per variant and level).
    public var variant: String?

    /// The window of `level`; `concurrency` comes from the level's id (nil for an open-loop level).
    public init(
        runID: String, level: LevelID, levelStart: Int64, start: Int64, end: Int64, drainEnd: Int64? = nil,
        interrupted: Bool = false
    ) {
        self.runID = runID
        self.level = level
        self.concurrency = level.concurrency
        self.levelStart = levelStart
        self.start = start
        self.end = end
        self.drainEnd = drainEnd
        self.interrupted = interrupted
    }

    /// The window of closed-loop level `concurrency`.
    public init(
        runID: String, concurrency: Int, levelStart: Int64, start: Int64, end: Int64, drainEnd: Int64? = nil,
        interrupted: Bool = false
    ) {
        self.init(
            runID: runID, level: .concurrency(concurrency), levelStart: levelStart, start: start, end: end,
            drainEnd: drainEnd, interrupted: interrupted)
    }

    /// `end − start` in nanoseconds.
    public var length: Int64 { end - start }
}

extension WindowRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case record, schemaVersion = "schema_version", runID = "run_id", level, concurrency
        case levelStart = "level_start_ns", start = "start_ns", end = "end_ns", drainEnd = "drain_end_ns", interrupted
        case variant
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try SchemaCheck.expect(.window, in: c, record: .record, version: .schemaVersion)
        runID = try c.decode(String.self, forKey: .runID)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        guard let level = try c.decodeIfPresent(LevelID.self, forKey: .level) ?? concurrency.map(LevelID.concurrency) else {
            throw DecodingError.keyNotFound(
                CodingKeys.level, .init(codingPath: c.codingPath, debugDescription: "a window names its level or concurrency"))
        }
        self.level = level
        levelStart = try c.decode(Int64.self, forKey: .levelStart)
        start = try c.decode(Int64.self, forKey: .start)
        end = try c.decode(Int64.self, forKey: .end)
        drainEnd = try c.decodeIfPresent(Int64.self, forKey: .drainEnd)
        interrupted = try c.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false
        variant = try c.decodeIfPresent(String.self, forKey: .variant)
        guard end >= start else {
            throw DecodingError.dataCorruptedError(
                forKey: .end, in: c, debugDescription: "end_ns (\(end)) is before start_ns (\(start))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RecordKind.window, forKey: .record)
        try c.encode(TraceSchema.version, forKey: .schemaVersion)
        try c.encode(runID, forKey: .runID)
        try c.encode(level, forKey: .level)
        try c.encodeIfPresent(concurrency, forKey: .concurrency)
        try c.encode(levelStart, forKey: .levelStart)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encodeIfPresent(drainEnd, forKey: .drainEnd)
        if interrupted { try c.encode(true, forKey: .interrupted) }
        try c.encodeIfPresent(variant, forKey: .variant)
    }
}
