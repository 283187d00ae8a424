/// Errors reading or writing trace files, with the file (and line) a user needs to act.
public struct TraceError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotCreate(path: String, reason: String)
        case cannotOpen(path: String, reason: String)
        case writeFailed(path: String, reason: String)
        case noRecords(path: String)
    }

    private let code: Code

    public static func cannotCreate(path: String, reason: String) -> TraceError {
        TraceError(code: .cannotCreate(path: path, reason: reason))
    }
    public static func cannotOpen(path: String, reason: String) -> TraceError {
        TraceError(code: .cannotOpen(path: path, reason: reason))
    }
    public static func writeFailed(path: String, reason: String) -> TraceError {
        TraceError(code: .writeFailed(path: path, reason: reason))
    }
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
    public enum Severity: String, Sendable { case warning, error }

    public var severity: Severity
    public var file: String
    /// 1-based line number, when the problem is on one line.
    public var line: Int?
    public var message: String

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
    public let limit: Int
    public private(set) var kept: [TraceDiagnostic] = []
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0

    public init(limit: Int = 1000) { self.limit = limit }

    public mutating func append(_ diagnostic: TraceDiagnostic) {
        switch diagnostic.severity {
        case .error: errorCount += 1
        case .warning: warningCount += 1
        }
        if kept.count < limit { kept.append(diagnostic) }
    }

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
