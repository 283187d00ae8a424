import RunTarget
import SimulatedFleet
import Workload

/// What a workload needs that cannot run in virtual time, said before anything starts.
///
/// A virtual clock measures only what runs on its executor: the in-process fleet and simulated
/// tools. A real process, socket or server keeps real time, so the clock would jump past it (a
/// command would "time out" while still running, a remote model would answer in zero simulated
/// seconds).
enum VirtualTimeCheck {
    static func check(_ spec: RunSpec, backends: ResolvedBackends) throws(HarnessError) {
        let workload = spec.workload
        if let other = backends.specs.keys.sorted().first(where: { $0 != TargetSpec.fleetBackend }) {
            throw .notInVirtualTime("backend \"\(other)\" is a real server; only the built-in fleet runs in virtual time")
        }
        if spec.target.fleet.timing == .zero {
            // Nothing would take simulated time, so a timed level would never reach its end.
            throw .notInVirtualTime("a zero-latency fleet takes no simulated time; drop zero latency")
        }
        if let server = workload.mcpServers.keys.sorted().first {
            throw .notInVirtualTime("MCP server \"\(server)\" is a real process")
        }
        for (name, tool) in workload.tools.sorted(by: { $0.key < $1.key }) {
            switch tool.kind {
            case .simulated, .retrieval, .agent: continue
            case .command: throw .notInVirtualTime("tool \"\(name)\" runs a command, a real process")
            case .http: throw .notInVirtualTime("tool \"\(name)\" calls a real HTTP server")
            case .mcp: throw .notInVirtualTime("tool \"\(name)\" is served by an MCP server, a real process")
            }
        }
        for task in workload.tasks {
            guard case .driven(let driven) = task.behaviour else { continue }
            if driven.process != nil { throw .notInVirtualTime("task \"\(task.name)\" runs your agent, a real process") }
            for grader in driven.graders {
                if case .command = grader.check {
                    throw .notInVirtualTime("task \"\(task.name)\" is graded by a command, a real process")
                }
            }
        }
    }
}
