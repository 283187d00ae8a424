import Foundation
import Logging
import TestSupport
import Testing
import ToolServices
import WireFormats
import Workload

/// A real MCP server (examples/tools/mcp_calculator.py) started over stdio.
@Suite struct MCPServersTests {
    static let logger = Logger(label: "mcp-test") { _ in SwiftLogNoOpLogHandler() }
    static let calculator = MCPServerSpec(
        command: ["python3", Fixtures.packageRoot.appendingPathComponent("examples/tools/mcp_calculator.py").path])

    @Test("tools are listed with their schemas, and concurrent calls on one connection each get their own answer")
    func listAndCall() async throws {
        try await MCPServers.run(["calc": Self.calculator], logger: Self.logger) { servers in
            let tools = servers.tools(of: "calc")
            #expect(tools.keys.sorted() == ["calculate", "unit_price"])
            #expect(tools["calculate"]?.inputSchema["required"] == ["expression"])
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 1...20 {
                    group.addTask {
                        let (text, isError) = try await servers.call(
                            server: "calc", tool: "calculate", arguments: ["expression": .string("\(n) * 3")])
                        #expect(!isError)
                        return (n, text)
                    }
                }
                for try await (n, text) in group { #expect(text == "\(n * 3)") }
            }
            let (text, isError) = try await servers.call(server: "calc", tool: "calculate", arguments: ["expression": "1/0"])
            #expect(isError && text.contains("division"))
        }
    }

    @Test("a server that cannot start, exits, or never answers stops the run with its name and what it said")
    func startFailures() async throws {
        func failure(_ spec: MCPServerSpec, timeout: Duration = .seconds(10)) async -> String {
            do {
                try await MCPServers.run(["broken": spec], logger: Self.logger, startTimeout: timeout) { _ in }
                return "started"
            } catch {
                return "\(error)"
            }
        }
        let missing = await failure(MCPServerSpec(command: ["agentperf-no-such-mcp-server"]))
        #expect(missing.contains("MCP server \"broken\" did not start"), "\(missing)")
        let exits = await failure(MCPServerSpec(command: ["sh", "-c", "echo 'config not found' >&2; exit 3"]))
        #expect(exits.contains("broken") && exits.contains("config not found"), "\(exits)")
        let silent = await failure(MCPServerSpec(command: ["sleep", "30"]), timeout: .milliseconds(500))
        #expect(silent.contains("did not answer initialize"), "\(silent)")
    }

    @Test("environment values are passed, and $NAME is read from AgentPerf's environment")
    func environment() async throws {
        setenv("AGENTPERF_TEST_MCP_SECRET", "s3cret", 1)
        defer { unsetenv("AGENTPERF_TEST_MCP_SECRET") }
        // A server that fails to start unless both variables arrive, and says what it saw.
        let script =
            #"test "$PLAIN" = plain && test "$SECRET" = s3cret || { echo "saw [$PLAIN] [$SECRET]" >&2; exit 1; }; exec python3 "$0""#
        let spec = MCPServerSpec(
            command: ["sh", "-c", script, Self.calculator.command[1]],
            environment: ["PLAIN": "plain", "SECRET": "$AGENTPERF_TEST_MCP_SECRET"])
        try await MCPServers.run(["env": spec], logger: Self.logger) { servers in
            #expect(servers.tools(of: "env").count == 2)
        }
    }
}
