public import Foundation

/// Where importers put canonical records, as they go.
///
/// The order matches a trace file: one `begin` per source, then for each attempt its steps
/// followed by the attempt record. Sinks see every record once and may keep or fold it; an
/// importer never holds a whole file unless its format forces it to (see docs/IMPORTERS.md).
public protocol TraceSink {
    mutating func begin(_ run: RunRecord) throws
    mutating func step(_ step: StepRecord) throws
    mutating func attempt(_ attempt: AttemptRecord) throws
    /// A problem in the input; importing goes on.
    mutating func diagnostic(_ diagnostic: TraceDiagnostic)
}

/// Keeps everything in a `TraceLog` (tests, small inputs).
public struct CollectingSink: TraceSink {
    public private(set) var log = TraceLog()
    private var pending: [String: [StepRecord]] = [:]

    /// An empty sink.
    public init() {}

    /// Keeps the first run header; later ones are dropped.
    public mutating func begin(_ run: RunRecord) {
        if log.run == nil { log.run = run }
    }

    /// Holds the step until its attempt record arrives.
    public mutating func step(_ step: StepRecord) {
        pending[step.attemptID, default: []].append(step)
    }

    /// Adds the attempt to `log` with the steps held for its `attemptID` (none if none came).
    public mutating func attempt(_ attempt: AttemptRecord) {
        log.attempts.append(LoggedAttempt(record: attempt, steps: pending.removeValue(forKey: attempt.attemptID) ?? []))
    }

    /// Adds the diagnostic to `log`.
    public mutating func diagnostic(_ diagnostic: TraceDiagnostic) { log.diagnostics.append(diagnostic) }
}

/// Writes canonical JSON Lines as records arrive, buffered (one write per megabyte).
public final class TraceFileSink: TraceSink {
    /// The trace file being written.
    public let url: URL
    private let handle: FileHandle
    private let encoder = JSONEncoder()
    private var buffer = Data()
    public private(set) var diagnostics = DiagnosticList()

    /// Creates (or truncates) the file at `url`; throws `cannotCreate` when its directory is missing or not writable.
    public init(creating url: URL) throws(TraceError) {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url)
        else {
            throw .cannotCreate(path: url.path, reason: "the directory is missing or not writable")
        }
        self.handle = handle
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Buffers the run header as one JSON line; the file gets it at 1 MiB of buffer, `flush()` or `close()`.
    public func begin(_ run: RunRecord) throws { try append(.run(run)) }
    /// Buffers the step as one JSON line.
    public func step(_ step: StepRecord) throws { try append(.step(step)) }
    /// Buffers the attempt record as one JSON line.
    public func attempt(_ attempt: AttemptRecord) throws { try append(.attempt(attempt)) }
    /// Buffers a level's measurement window as one JSON line.
    public func window(_ window: WindowRecord) throws { try append(.window(window)) }
    /// Keeps the diagnostic in `diagnostics`; the file gets nothing.
    public func diagnostic(_ diagnostic: TraceDiagnostic) { diagnostics.append(diagnostic) }

    private func append(_ record: TraceRecord) throws {
        buffer.append(try encoder.encode(record))
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            throw TraceError.writeFailed(path: url.path, reason: "\(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try? handle.close()
    }
}

/// Passes every record to two sinks.
public struct TeeSink<First: TraceSink, Second: TraceSink>: TraceSink {
    /// The sink that gets each record first.
    public var first: First
    /// The sink that gets each record after `first`.
    public var second: Second

    /// A sink passing every record to `first`, then to `second`.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    /// Passes the run header to both sinks; when `first` throws, `second` does not get it.
    public mutating func begin(_ run: RunRecord) throws {
        try first.begin(run)
        try second.begin(run)
    }
    /// Passes the step to both sinks; when `first` throws, `second` does not get it.
    public mutating func step(_ step: StepRecord) throws {
        try first.step(step)
        try second.step(step)
    }
    /// Passes the attempt record to both sinks; when `first` throws, `second` does not get it.
    public mutating func attempt(_ attempt: AttemptRecord) throws {
        try first.attempt(attempt)
        try second.attempt(attempt)
    }
    /// Passes the diagnostic to both sinks.
    public mutating func diagnostic(_ diagnostic: TraceDiagnostic) {
        first.diagnostic(diagnostic)
        second.diagnostic(diagnostic)
    }
}
