import Foundation
import TestSupport
import Testing

/// `agentperf route` and `run --variants`, as real subprocesses.
@Suite(.serialized, .busy) struct RouteCommandTests {
    static let variantWorkload = """
        name: tiny-variants
        seed: 5
        load: {concurrency: [2], attempts: 1, repeats: 3, attempt_timeout: 20s}
        variants:
          small: {tier: small}
          large: {tier: large}
          cascade: {cascade: [small, large]}
        tasks:
          - name: easy
            system_prompt_tokens: 100
            task_prompt_tokens: 20
            pass_probability: {small: 0.9, large: 0.9}
            steps:
              - model: {tier: small, output_tokens: 6}
          - name: hard
            system_prompt_tokens: 150
            task_prompt_tokens: 20
            pass_probability: {small: 0.1, large: 0.9}
            steps:
              - model: {tier: large, use: plan, output_tokens: 5}
              - model: {tier: large, output_tokens: 5}
        """

    static func agentperf(_ arguments: [String]) throws -> ProcessOutput {
        try Subprocesses.run(AgentPerfBinary.url, arguments)
    }

    @Test("run --variants (bare, after the workload) runs every variant; route reads the run and prints the frontier")
    func variantRunThenRoute() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try directory.write("variants.yaml", Self.variantWorkload)
        let out = directory.file("run")
        let run = try Self.agentperf(["run", workload.path, "--virtual-time", "--quiet", "--out", out.path, "--variants"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("cascade c=2") && run.stdout.contains("small c=2"), "\(run.stdout)")
        let route = try Self.agentperf(["route", out.path])
        #expect(route.status == 0, "\(route.stderr)")
        #expect(route.stdout.contains("6 items × 3 configurations"), "\(route.stdout)")
        #expect(route.stdout.contains("frontier (non-decreasing convex hull)"))
        #expect(route.stdout.contains("oracle") && route.stdout.contains("by task"))
        let json = try Self.agentperf(["route", out.path, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((report?["models"] as? [String])?.sorted() == ["cascade", "large", "small"])

        let some = try Self.agentperf([
            "run", workload.path, "--virtual-time", "--quiet", "--out", directory.file("some").path, "--variants", "small,large",
        ])
        #expect(some.status == 0, "\(some.stderr)")
        #expect(!some.stdout.contains("cascade"))
        let unknown = try Self.agentperf([
            "run", workload.path, "--virtual-time", "--quiet", "--out", directory.file("x").path, "--variants", "tiny",
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no variant \"tiny\"; the workload declares cascade, large, small"), "\(unknown.stderr)")
    }

    @Test("a variant run at two levels pairs items within each level")
    func twoLevels() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try directory.write(
            "levels.yaml", Self.variantWorkload.replacingOccurrences(of: "concurrency: [2]", with: "concurrency: [1, 2]"))
        let out = directory.file("run")
        let run = try Self.agentperf(["run", workload.path, "--virtual-time", "--quiet", "--out", out.path, "--variants"])
        #expect(run.status == 0, "\(run.stderr)")
        let route = try Self.agentperf(["route", out.path])
        #expect(route.status == 0, "\(route.stderr)")
        #expect(route.stdout.contains("12 items × 3 configurations"), "\(route.stdout)")
    }

    @Test("bad rows exit 2 naming file:line:column, and the rest is still evaluated")
    func badTableRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = try directory.write(
            "outcomes.csv",
            """
            sample_id,gpt-4,gpt-4|total_cost,mixtral,mixtral|total_cost
            a,True,0.003,False,0.0006
            b,True,0.003,maybe,0.0006
            c,False,0.003,False,0.0006
            d,True,0.003,True,0.0006

            """)
        let result = try Self.agentperf(["route", csv.path, "--strong", "gpt-4", "--weak", "mixtral"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("outcomes.csv:3:4: mixtral: \"maybe\" is not a score"), "\(result.stderr)")
        #expect(result.stderr.contains("item \"b\" has no outcome for \"mixtral\""), "\(result.stderr)")
        #expect(result.stdout.contains("3 items × 2 configurations"), "\(result.stdout)")
        #expect(result.stdout.contains("strong/weak routing (RouteLLM): strong gpt-4, weak mixtral"))

        let missing = try Self.agentperf(["route", csv.path, "--models", "gpt-4,claude,mixtral"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("outcomes.csv:1: claude: no such column"), "\(missing.stderr)")
        let none = try Self.agentperf(["route", directory.file("absent.csv").path])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no such file or directory"))
        let flags = try Self.agentperf(["route", csv.path, "--pass-threshold", "2"])
        #expect(flags.status == 2)
    }
}
