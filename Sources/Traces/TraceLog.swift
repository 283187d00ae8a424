public import Foundation

/// An attempt with its steps, as loaded from a trace file.
public struct LoggedAttempt: Sendable, Hashable {
    /// The attempt record, which the file holds after its steps.
    public var record: AttemptRecord
    /// In the order they were written.
    public var steps: [StepRecord]

    /// An attempt with its step records.
    public init(record: AttemptRecord, steps: [StepRecord]) {
        self.record = record
        self.steps = steps
    }
}

/// The contents of a trace file, grouped by attempt, with every problem found on the way.
///
/// Loading never stops at a bad line: the line is reported in `diagnostics` and the rest is
/// read. A torn last line (the run was killed mid-write) and steps whose attempt never ended
/// are warnings; anything else malformed is an error.
public struct TraceLog: Sendable {
    /// The run header; nil when the file has none.
    public var run: RunRecord?
    /// Every attempt whose record was read, in file order, with its steps; steps of attempts that never finished are left out.
    public var attempts: [LoggedAttempt]
    /// Measurement windows in file order, one per finished level of a harness run.
    public var windows: [WindowRecord]
    /// Problems found while loading, warnings and errors, in the order they were found.
    public var diagnostics: [TraceDiagnostic]

    /// A log made of the given parts; empty by default.
    public init(
        run: RunRecord? = nil, attempts: [LoggedAttempt] = [], windows: [WindowRecord] = [],
        diagnostics: [TraceDiagnostic] = []
    ) {
        self.run = run
        self.attempts = attempts
        self.windows = windows
        self.diagnostics = diagnostics
    }

    /// True when some line could not be used (warnings do not count).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Reads a trace file written by `TraceWriter` (or an importer).
    public static func load(from url: URL) throws(TraceError) -> TraceLog {
        var builder = Builder(file: url.path)
        do {
            var reader = try LineReader(url: url)
            while let line = try reader.next() {
                builder.consume(line)
            }
        } catch let error as TraceError {
            throw error
        } catch {
            throw .cannotOpen(path: url.path, reason: FileErrors.describe(error))
        }
        let log = builder.finish()
        if log.run == nil, log.attempts.isEmpty, log.windows.isEmpty {
            throw .noRecords(path: url.path)
        }
        return log
    }

    /// The run header on the first non-blank line of a trace file; `noRecords` when that line is
    /// not one (a run's header is always its first line).
    package static func header(of url: URL) throws(TraceError) -> RunRecord {
        do {
            var reader = try LineReader(url: url)
            while let line = try reader.next() {
                guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
                guard case .run(let run) = try? JSONDecoder().decode(TraceRecord.self, from: Data(line.bytes)) else { break }
                return run
            }
        } catch let error as TraceError {
            throw error
        } catch {
            throw .cannotOpen(path: url.path, reason: FileErrors.describe(error))
        }
        throw .noRecords(path: url.path)
    }

    private struct Builder {
        let file: String
        let decoder = JSONDecoder()
        var log = TraceLog()
        var pendingSteps: [String: [StepRecord]] = [:]
        var seenAttempts: Set<String> = []

        init(file: String) { self.file = file }

        mutating func consume(_ line: LineReader.Line) {
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            let record: TraceRecord
            do {
                record = try decoder.decode(TraceRecord.self, from: Data(line.bytes))
            } catch {
                if !line.isTerminated {
                    report(.warning, line.number, "incomplete last record (the run was stopped while writing it); ignored")
                } else {
                    report(.error, line.number, DecodingProblem.describe(error, in: line.bytes))
                }
                return
            }
            switch record {
            case .run(let run):
                if log.run == nil {
                    log.run = run
                } else {
                    report(.error, line.number, "a second run header (run_id \(run.runID)); one file holds one run")
                }
            case .step(let step):
                pendingSteps[step.attemptID, default: []].append(step)
            case .attempt(let attempt):
                guard seenAttempts.insert(attempt.attemptID).inserted else {
                    report(.error, line.number, "attempt \(attempt.attemptID) appears twice; the second is ignored")
                    return
                }
                let steps = pendingSteps.removeValue(forKey: attempt.attemptID) ?? []
                if steps.count != attempt.stepCount {
                    report(
                        .error, line.number,
                        "attempt \(attempt.attemptID) declares step_count \(attempt.stepCount) but \(steps.count) step records precede it"
                    )
                }
                log.attempts.append(LoggedAttempt(record: attempt, steps: steps))
            case .window(let window):
                log.windows.append(window)
            }
        }

        mutating func finish() -> TraceLog {
            let orphans = pendingSteps.values.reduce(0) { $0 + $1.count }
            if orphans > 0 {
                report(
                    .warning, nil,
                    "\(orphans) step records belong to \(pendingSteps.count) attempts that never finished (interrupted); ignored")
            }
            return log
        }

        mutating func report(_ severity: TraceDiagnostic.Severity, _ line: Int?, _ message: String) {
            log.diagnostics.append(TraceDiagnostic(severity: severity, file: file, line: line, message: message))
        }
    }
}

/// Turns a `DecodingError` into one sentence naming the field and what was expected.
public enum DecodingProblem {
    /// `describe(error)`, told apart for a record that is valid JSON the decoder cannot hold: a
    /// number past a double's range (`1e400`) is named instead of "not valid JSON".
    public static func describe(_ error: any Error, in bytes: some Collection<UInt8>) -> String {
        if case .dataCorrupted(let context)? = error as? DecodingError, context.codingPath.isEmpty,
            let number = outOfRangeNumber(in: bytes)
        {
            return "the number \(number) is out of range (valid JSON, but no field holds a number that large)"
        }
        return describe(error)
    }

    /// The first number written with an exponent beyond a double's (±308), if any; text inside
    /// strings (a hash such as `"3e4567…"`) is not a number.
    package static func outOfRangeNumber(in bytes: some Collection<UInt8>) -> String? {
        let text = Array(bytes)
        var index = 0
        var inString = false
        while index < text.count {
            if inString {
                if text[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if text[index] == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            if text[index] == UInt8(ascii: "\"") {
                inString = true
                index += 1
                continue
            }
            guard text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E"), index > 0,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index - 1])
            else {
                index += 1
                continue
            }
            var end = index + 1
            if end < text.count, text[end] == UInt8(ascii: "+") || text[end] == UInt8(ascii: "-") { end += 1 }
            let digitsStart = end
            while end < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[end]), end - digitsStart < 12 {
                end += 1
            }
            if let exponent = Int(String(decoding: text[digitsStart..<end], as: UTF8.self)), exponent > 308 {
                var start = index - 1
                while start > 0,
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[start - 1]) || text[start - 1] == UInt8(ascii: ".")
                        || text[start - 1] == UInt8(ascii: "-")
                { start -= 1 }
                return String(decoding: text[start..<end], as: UTF8.self)
            }
            index = end
        }
        return nil
    }

    /// One sentence for a `DecodingError`: the missing or mistyped field and what was expected; other errors as they print.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing field \"\(key.stringValue)\"" + (parent.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\": expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\": expected \(typeName(type)), found null"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))"
            }
            return "field \"\(field)\": \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// "a string", "a whole number", … for `DecodingError` messages.
    public static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary") ? "a mapping" : "\(type)"
        }
    }
}
