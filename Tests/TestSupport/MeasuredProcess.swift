public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A finished process with how it ended and the most memory it held.
public struct MeasuredOutput: Sendable {
    public var output: ProcessOutput
    /// The signal that killed it (a trap is SIGILL or SIGTRAP), if one did.
    public var signal: Int32?
    /// Peak resident set size, in KiB (`ru_maxrss` from `wait4`).
    public var peakKiB: Int
}

extension Subprocesses {
    /// Runs `executable` like `run`, but through `posix_spawn` and `wait4`, so the child's own
    /// peak memory is known (Foundation's `Process` reaps children without their resource usage).
    /// Output goes to temporary files, so a chatty child never blocks.
    public static func runMeasured(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> MeasuredOutput {
        let out = try TemporaryFile(), err = try TemporaryFile()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out.handle.fileDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, err.handle.fileDescriptor, 2)
        var variables = ProcessInfo.processInfo.environment
        variables["AGENTPERF_HISTORY"] = historyForTests.path
        variables.merge(environment) { $1 }
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        var waited: pid_t = -1
        repeat { waited = wait4(pid, &status, 0, &usage) } while waited < 0 && errno == EINTR
        guard waited == pid else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import as macros.
        let signal = status & 0x7F
        let signaled = signal != 0 && signal != 0x7F
        return MeasuredOutput(
            output: ProcessOutput(
                status: signaled ? -signal : (status >> 8) & 0xFF, stdout: out.contents(), stderr: err.contents()),
            signal: signaled ? signal : nil, peakKiB: Int(usage.ru_maxrss))
    }
}
