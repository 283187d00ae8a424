public import Foundation
import SpecDecoding
import Subprocess
import SystemPackage
public import Traces
public import Workload

/// What a tool call produced.
public struct ToolResult: Sendable, Hashable {
    /// Text handed back to the agent.
    public var output: String
    /// `sent` (start) and `end` on the run clock.
    public var timing: StepTiming
    public var errorType: String?
    /// Exit status of a command tool.
    public var exitStatus: Int32?

    public init(output: String, timing: StepTiming, errorType: String? = nil, exitStatus: Int32? = nil) {
        self.output = output
        self.timing = timing
        self.errorType = errorType
        self.exitStatus = exitStatus
    }
}

/// Runs the tools a workload defines.
///
/// Simulated tools wait a latency drawn from their distribution and return a result of the
/// drawn size. Command tools run argv directly (never through a shell, so nothing an agent
/// produces can be interpreted as shell syntax) in the attempt's working directory, with a
/// timeout and a cap on the output kept. A non-zero exit is a result the agent sees, not an
/// error; failing to start or running past the timeout is an error.
public struct ToolRunner: Sendable {
    /// Output kept from a command, in bytes; the rest is read and dropped.
    public static let outputCap = 64 * 1024

    public let tools: [String: ToolSpec]
    private let clock: RunClock

    public init(tools: [String: ToolSpec], clock: RunClock) {
        self.tools = tools
        self.clock = clock
    }

    /// Calls tool `name`. Draws (latency, result size, failure) come from `generator`.
    public func call(
        _ name: String, workingDirectory: URL?, generator: inout SeededGenerator
    ) async -> ToolResult {
        var timing = StepTiming(sent: clock.now())
        guard let spec = tools[name] else {
            timing.end = timing.sent
            return ToolResult(output: "", timing: timing, errorType: StepErrorType.toolFailed)
        }
        let fails = spec.failureRate > 0 && generator.nextUnit() < spec.failureRate
        switch spec.kind {
        case .simulated(let latency, let resultTokens):
            let wait = latency.sample(using: &generator)
            let size = resultTokens.sample(using: &generator)
            let output = SyntheticText.words(size, using: &generator)
            do {
                try await Task.sleep(for: wait)
            } catch {
                timing.end = clock.now()
                return ToolResult(output: "", timing: timing, errorType: StepErrorType.cancelled)
            }
            timing.end = clock.now()
            return ToolResult(output: output, timing: timing, errorType: fails ? StepErrorType.toolFailed : nil)
        case .command(let argv, let timeout):
            var result = await Self.runCommand(argv, in: workingDirectory, timeout: timeout.duration)
            result.timing.sent = timing.sent
            result.timing.end = clock.now()
            if fails, result.errorType == nil { result.errorType = StepErrorType.toolFailed }
            return result
        }
    }

    private enum Race: Sendable {
        case finished(ToolResult)
        case timedOut
    }

    static func runCommand(_ argv: [String], in directory: URL?, timeout: Duration) async -> ToolResult {
        let outcome = await withTaskGroup(of: Race.self) { group in
            group.addTask { .finished(await execute(argv, in: directory)) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next()!
            group.cancelAll()  // a cancelled Subprocess run terminates its child
            return first
        }
        switch outcome {
        case .finished(let result): return result
        case .timedOut: return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.timeout)
        }
    }

    private static func execute(_ argv: [String], in directory: URL?) async -> ToolResult {
        do {
            let result = try await run(
                .name(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
                workingDirectory: directory.map { FilePath($0.path) },
                input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                var kept: [UInt8] = []
                for try await buffer in execution.standardOutput {
                    guard kept.count < outputCap else { continue }  // keep draining so the child never blocks
                    buffer.withUnsafeBytes { kept.append(contentsOf: $0.prefix(outputCap - kept.count)) }
                }
                return String(decoding: kept, as: UTF8.self)
            }
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            let status: Int32
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + signal
            }
            return ToolResult(output: result.closureResult, timing: StepTiming(), exitStatus: status)
        } catch {
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            return ToolResult(
                output: "cannot run \(argv[0]): \(error)", timing: StepTiming(), errorType: StepErrorType.toolFailed)
        }
    }
}
