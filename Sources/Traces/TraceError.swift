/// Errors reading or writing trace files, with the file (and line) a user needs to act.
public struct TraceError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotCreate(path: String, reason: String)
        case cannotOpen(path: String, reason: String)
        case writeFailed(path: String, reason: String)
        case noRecords(path: String)
    }

    private let code: Code

    /// The trace file at `path` could not be created; `reason` says why.
    public static func cannotCreate(path: String, reason: String) -> TraceError {
        TraceError(code: .cannotCreate(path: path, reason: reason))
    }
    /// The trace file at `path` could not be opened or read; `reason` says why.
    public static func cannotOpen(path: String, reason: String) -> TraceError {
        TraceError(code: .cannotOpen(path: path, reason: reason))
    }
    /// Writing to the trace file at `path` failed; `reason` says why.
    public static func writeFailed(path: String, reason: String) -> TraceError {
        TraceError(code: .writeFailed(path: path, reason: reason))
    }
    /// The file at `path` holds no readable run, attempt or window record.
    public static func noRecords(path: String) -> TraceError {
        TraceError(code: .noRecords(path: path))
    }

    public var description: String {
        switch code {
        case .cannotCreate(let path, let reason): "cannot create trace file \(path): \(reason)"
        case .cannotOpen(let path, let reason): "cannot read trace file \(path): \(reason)"
        case .writeFailed(let path, let reason): "cannot append to trace file \(path): \(reason)"
        case .noRecords(let path): "\(path) holds no readable trace records (expected AgentPerf JSON Lines)"
        }
    }
}

/// A problem found while loading a trace file; loading goes on past it.
public struct TraceDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// A warning (a torn last line, an unfinished attempt) or an error (a malformed or inconsistent line).
    public enum Severity: String, Sendable { case warning, error }

    /// Whether the problem is a warning or an error; only errors count in `hasErrors`.
    public var severity: Severity
    /// Path of the file the problem is in.
    public var file: String
    /// 1-based line number, when the problem is on one line.
    public var line: Int?
    /// What is wrong, as a sentence (for a decoding problem, the field and what was expected).
    public var message: String

    /// A diagnostic; `line` is nil when the problem is not on one line.
    public init(severity: Severity, file: String, line: Int?, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// Diagnostics as they arrive: the first `limit` kept in full, the rest only counted, so that a
/// file of a million bad lines cannot exhaust memory while being analysed.
public struct DiagnosticList: Sendable {
    /// How many diagnostics are kept in full; those after it are only counted.
    public let limit: Int
    public private(set) var kept: [TraceDiagnostic] = []
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0

    /// An empty list that keeps at most `limit` diagnostics (1,000 by default).
    public init(limit: Int = 1000) { self.limit = limit }

    /// Counts `diagnostic` by severity, and keeps it while fewer than `limit` are kept.
    public mutating func append(_ diagnostic: TraceDiagnostic) {
        switch diagnostic.severity {
        case .error: errorCount += 1
        case .warning: warningCount += 1
        }
        if kept.count < limit { kept.append(diagnostic) }
    }

    /// True when any error arrived, kept or only counted; warnings do not count.
    public var hasErrors: Bool { errorCount > 0 }

    /// The kept diagnostics, one per line, then how many more there were.
    public var lines: [String] {
        let omitted = errorCount + warningCount - kept.count
        return kept.map(\.description)
            + (omitted > 0
                ? ["… \(omitted) more (in all \(Self.count(errorCount, "error")), \(Self.count(warningCount, "warning")))"] : [])
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
