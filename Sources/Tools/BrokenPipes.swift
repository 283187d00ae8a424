#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to a pipe whose reader has gone (a tool or MCP server that exited before reading its
/// input) raises SIGPIPE, which by default kills the whole process and every result with it.
/// Ignored, the write fails with EPIPE instead, and the failure is recorded as the tool's.
package enum BrokenPipes {
    /// Sets SIGPIPE to ignored for the process (idempotent; called before any child is started).
    package static func ignore() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}
