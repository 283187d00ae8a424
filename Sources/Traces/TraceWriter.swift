public import Foundation

/// Appends records to a trace file, one attempt at a time.
///
/// Each `append` encodes the attempt's steps and the attempt record and hands them to the
/// kernel in one write, so a crash or SIGKILL loses only attempts still running; the reader
/// ignores a torn last line. There is no user-space buffering to lose.
public actor TraceWriter {
    /// The trace file being written.
    public nonisolated let url: URL
    private let handle: FileHandle
    private let encoder: JSONEncoder
    /// Values scrubbed from every error message written (API keys of the run's backends).
    private let secrets: [String]

    /// Creates (or truncates) the file at `url` and writes the run header. Every step's
    /// `error.message` is scrubbed of `secrets` and of anything shaped like a credential
    /// (`Redaction`) before it is written.
    public init(creating url: URL, run: RunRecord, secrets: [String] = []) throws(TraceError) {
        self.url = url
        self.secrets = secrets
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw .cannotCreate(path: url.path, reason: "the directory is missing or not writable")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw .cannotCreate(path: url.path, reason: FileErrors.describe(error))
        }
        encoder = JSONEncoder()
        // Sorted keys: swift-foundation does not keep declaration order, and files must diff cleanly.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try Self.write([TraceRecord.run(run)], with: encoder, to: handle, path: url.path)
    }

    /// Appends a finished attempt: its steps first, then the attempt record.
    public func append(attempt: AttemptRecord, steps: [StepRecord]) throws(TraceError) {
        let scrubbed = steps.map { step in
            var step = step
            step.errorMessage = step.errorMessage.map { Redaction.scrub($0, secrets: secrets) }
            return TraceRecord.step(step)
        }
        var attempt = attempt
        attempt.errorMessage = attempt.errorMessage.map { Redaction.scrub($0, secrets: secrets) }
        try Self.write(scrubbed + [.attempt(attempt)], with: encoder, to: handle, path: url.path)
    }

    /// Appends the measurement window of a finished concurrency level.
    public func append(window: WindowRecord) throws(TraceError) {
        try Self.write([.window(window)], with: encoder, to: handle, path: url.path)
    }

    /// Flushes to stable storage and closes the file.
    public func close() {
        try? handle.synchronize()
        try? handle.close()
    }

    private static func write(
        _ records: [TraceRecord], with encoder: JSONEncoder, to handle: FileHandle, path: String
    ) throws(TraceError) {
        var block = Data()
        do {
            for record in records {
                block.append(try encoder.encode(record))
                block.append(0x0A)
            }
            try handle.write(contentsOf: block)
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }
}
