import Foundation
import Sampling
import SpecDecoding
import TestSupport
import Testing
import Timekeeping
import Tools
import Traces
import Workload

@Suite struct ToolRunnerTests {
    static func runner(_ tools: [String: ToolSpec]) -> ToolRunner { ToolRunner(tools: tools, clock: ContinuousRunClock()) }

    static func command(_ argv: [String], timeout: String = "10s") -> ToolSpec {
        ToolSpec(kind: .command(CommandTool(argv: argv, timeout: DurationSpec(parsing: timeout)!)))
    }

    @Test("a command tool runs argv in the attempt's directory and returns its output")
    func runsCommand() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("marker.txt", "x")
        var generator = SeededGenerator(seed: 1)
        let result = await Self.runner(["ls": Self.command(["ls"])]).call(
            "ls", workingDirectory: directory.url, generator: &generator)
        #expect(result.errorType == nil)
        #expect(result.output.contains("marker.txt"))
        #expect(result.exitStatus == 0)
        let sent = try #require(result.timing.sent), end = try #require(result.timing.end)
        #expect(end >= sent)
    }

    @Test("arguments reach the program verbatim: nothing is interpreted by a shell")
    func noShell() async {
        var generator = SeededGenerator(seed: 1)
        let result = await Self.runner(["echo": Self.command(["echo", "$(whoami); rm -rf /tmp/nothing"])])
            .call("echo", workingDirectory: nil, generator: &generator)
        #expect(result.output == "$(whoami); rm -rf /tmp/nothing\n")
    }

    @Test("a non-zero exit is a result the agent sees, not an error")
    func nonZeroExit() async {
        var generator = SeededGenerator(seed: 1)
        let result = await Self.runner(["fail": Self.command(["sh", "-c", "echo 2 failed; exit 3"])])
            .call("fail", workingDirectory: nil, generator: &generator)
        #expect(result.errorType == nil)
        #expect(result.exitStatus == 3)
        #expect(result.output == "2 failed\n")
    }

    @Test("a command past its timeout is stopped and reported as a timeout")
    func timeout() async throws {
        var generator = SeededGenerator(seed: 1)
        let started = ContinuousClock.now
        let result = await Self.runner(["slow": Self.command(["sleep", "30"], timeout: "200ms")])
            .call("slow", workingDirectory: nil, generator: &generator)
        #expect(result.errorType == StepErrorType.timeout)
        #expect(ContinuousClock.now - started < .seconds(20), "the child was not left running to completion")
    }

    @Test("a program that does not exist is a tool failure naming it")
    func missingProgram() async {
        var generator = SeededGenerator(seed: 1)
        let result = await Self.runner(["x": Self.command(["agentperf-no-such-program"])]).call(
            "x", workingDirectory: nil, generator: &generator)
        #expect(result.errorType == StepErrorType.toolFailed)
        #expect(result.output.contains("agentperf-no-such-program"))
    }

    @Test("only the first 64 KiB of output are kept, and the rest is drained")
    func outputCap() async {
        var generator = SeededGenerator(seed: 1)
        let result = await Self.runner(["big": Self.command(["head", "-c", "1000000", "/dev/zero"])])
            .call("big", workingDirectory: nil, generator: &generator)
        #expect(result.errorType == nil)
        #expect(result.output.utf8.count == ToolRunner.outputCap)
    }

    @Test("a simulated tool returns the drawn number of words and can be made to fail")
    func simulated() async {
        var generator = SeededGenerator(seed: 1)
        let spec = ToolSpec(kind: .simulated(latency: .fixed(DurationSpec(parsing: "1ms")!), resultTokens: TokenCount(25)))
        let ok = await Self.runner(["s": spec]).call("s", workingDirectory: nil, generator: &generator)
        #expect(ok.output.split(separator: " ").count == 25)
        let failing = ToolSpec(kind: spec.kind, failureRate: 1)
        let failed = await Self.runner(["s": failing]).call("s", workingDirectory: nil, generator: &generator)
        #expect(failed.errorType == StepErrorType.toolFailed)
    }
}
