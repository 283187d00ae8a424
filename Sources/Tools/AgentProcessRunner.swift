package import Foundation
import Subprocess
import SystemPackage

/// Runs a user's agent as a process: leading its own process group (so a stop reaches every
/// process it started), with the prompt on standard input or as its last argument, standard output kept
/// (capped) as its answer and the tail of standard error for the log.
///
/// Cancelling the calling task (the attempt timed out, the run was stopped) sends SIGTERM to
/// the whole process group, then SIGKILL two seconds later.
package enum AgentProcessRunner {
    /// What the process left.
    package struct Outcome: Sendable, Hashable {
        package var standardOutput: String
        /// The last lines of standard error (at most 2 KiB).
        package var standardErrorTail: String
        /// The exit status, or 128 + the signal that ended it; nil when it could not start or was stopped.
        package var exitStatus: Int32?
        /// Why it could not start, in a sentence.
        package var launchFailure: String?
    }

    /// The most standard output kept as the answer.
    package static let outputCap = 1 << 20
    static let errorTailBytes = 2048

    package static func run(
        _ command: [String], environment: [String: String], removing hidden: Set<String> = [], input: String?,
        in directory: URL?
    ) async -> Outcome {
        BrokenPipes.ignore()
        var overrides: [Environment.Key: String?] = [:]
        for key in hidden {
            guard let key = Environment.Key(rawValue: key) else { continue }
            overrides[key] = String?.none
        }
        for (key, value) in environment {
            guard let key = Environment.Key(rawValue: key) else { continue }
            overrides[key] = value
        }
        var options = PlatformOptions()
        // A new process group, not a new session: with Linux's autogroup scheduling every session
        // is its own group of equal weight, so 64 agents in 64 sessions would take 64/65 of the
        // CPU from the harness timing them.
        options.processGroupID = 0
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(2)),
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(100)),
        ]
        do {
            let standardInput = try Self.inputFile(input ?? "")
            let result = try await Subprocess.run(
                command[0].contains("/") ? .path(FilePath(command[0])) : .name(command[0]),
                arguments: Arguments(Array(command.dropFirst())),
                environment: .inherit.updating(overrides), workingDirectory: directory.map { FilePath($0.path) },
                platformOptions: options, input: .fileDescriptor(standardInput, closeAfterSpawningProcess: true),
                output: .sequence, error: .sequence
            ) { execution in
                async let errors = tail(of: execution.standardError)
                var kept: [UInt8] = []
                for try await buffer in execution.standardOutput {
                    guard kept.count < outputCap else { continue }  // keep draining so the child never blocks
                    buffer.withUnsafeBytes { kept.append(contentsOf: $0.prefix(outputCap - kept.count)) }
                }
                return (String(decoding: kept, as: UTF8.self), try await errors)
            }
            let status: Int32
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + signal
            }
            return Outcome(
                standardOutput: result.closureResult.0, standardErrorTail: result.closureResult.1,
                exitStatus: Task.isCancelled ? nil : status)
        } catch {
            if Task.isCancelled { return Outcome(standardOutput: "", standardErrorTail: "", exitStatus: nil) }
            return Outcome(
                standardOutput: "", standardErrorTail: "", exitStatus: nil, launchFailure: "cannot run \(command[0]): \(error)")
        }
    }

    /// The prompt as a file the agent reads its standard input from: an unlinked temporary file
    /// (owner-only), open for reading. Not a pipe AgentPerf writes into: an agent that exits
    /// without reading its input made that write fail with EPIPE, and swift-subprocess then trapped
    /// on a descriptor it had not closed, taking the whole run down (CommandLineTests).
    private static func inputFile(_ text: String) throws -> FileDescriptor {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agentperf-stdin-\(UUID().uuidString)").path
        let file = try FileDescriptor.open(
            FilePath(path), .readWrite, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
        // The name goes at once; the descriptor keeps the contents until the agent has it.
        defer { unlink(path) }
        do {
            _ = try file.writeAll(Array(text.utf8))
            _ = try file.seek(offset: 0, from: .start)
        } catch {
            try? file.close()
            throw error
        }
        return file
    }

    private static func tail(of stream: SubprocessOutputSequence) async throws -> String {
        var kept: [UInt8] = []
        for try await buffer in stream {
            buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
            if kept.count > 4 * errorTailBytes { kept.removeFirst(kept.count - errorTailBytes) }
        }
        return String(decoding: kept.suffix(errorTailBytes), as: UTF8.self)
    }
}
