import Foundation
import Pricing
import RunTarget
import SpecDecoding
import TestSupport
import Testing
import Traces
import Workload

@Suite struct WorkloadLoaderTests {
    static let minimal = """
        name: tiny
        load:
          concurrency: [1, 2]
          attempts: 3
        tools:
          grep: {latency: 5ms, result_tokens: 10}
        tasks:
          - name: look
            pass_probability: {small: 0.5}
            steps:
              - tool: {name: grep}
              - model: {tier: small, output_tokens: 8}
        """

    static func load(_ yaml: String) throws(SpecError) -> Workload {
        try RunSpecLoader.load(yaml: yaml, source: "w.yaml").workload
    }

    static func error(_ yaml: String) -> SpecError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("the bundled default workload loads and covers the three default levels")
    func bundled() throws {
        let spec = try RunSpecLoader.bundled()
        #expect(spec.workload.load.concurrency == [1, 16, 64])
        #expect((3...5).contains(spec.workload.tasks.count))
        #expect(spec.target.endpoint == nil && spec.usesFleet)
    }

    @Test(
        "every example workload loads",
        arguments: try FileManager.default
            .contentsOfDirectory(atPath: Fixtures.packageRoot.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.sorted())
    func examples(file: String) throws {
        let workload = try RunSpecLoader.load(contentsOf: Fixtures.packageRoot.appendingPathComponent("examples/\(file)"))
            .workload
        #expect(
            Self.demonstrations.contains(file) || (3...5).contains(workload.tasks.count),
            "\(file) has \(workload.tasks.count) tasks")
    }

    /// Examples built to demonstrate one command (routing.yaml for `route`, misallocation.yaml and
    /// control.yaml for `diagnose`) are not representative agents.
    static let demonstrations: Set<String> = ["routing.yaml", "misallocation.yaml", "control.yaml", "rollouts.yaml"]

    @Test("the examples directory holds three to five representative workloads, beside the demonstrations")
    func exampleCount() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Fixtures.packageRoot.appendingPathComponent("examples").path)
        let representative = files.filter { $0.hasSuffix(".yaml") && !Self.demonstrations.contains($0) }
        #expect((3...5).contains(representative.count), "\(representative)")
    }

    @Test("marginal: sets V, λ and ρ; a misspelt price is named")
    func marginalPrices() throws {
        let workload = try Self.load(Self.minimal + "\nmarginal: {value_per_success: 5, price_per_second: 0.01}\n")
        #expect(workload.marginal == MarginalPrices(valuePerSuccess: 5, pricePerSecond: 0.01, priceOfRisk: 0.5))
        #expect(throws: SpecError.self) { _ = try Self.load(Self.minimal + "\nmarginal: {value_per_succes: 5}\n") }
        #expect(throws: SpecError.self) { _ = try Self.load(Self.minimal + "\nmarginal: {price_of_risk: -1}\n") }
        #expect(try Self.load(Self.minimal).marginal == nil)
    }

    @Test("defaults fill what the file leaves out")
    func defaults() throws {
        let workload = try Self.load(Self.minimal)
        #expect(workload.models["small"] == "sim-small")
        #expect(workload.load.length == .attempts(3))
        #expect(workload.tasks[0].scripted?.agent.systemPromptTokens == TokenCount(1000))
        #expect(workload.prices.models["sim-large"] != nil)
    }

    @Test("the resolved workload and target, written as JSON, load back to the same spec")
    func resolvedRoundTrip() throws {
        let bound =
            Self.minimal
            + "\nmodels: {small: {model: m, backend: vllm}, large: sim-large}\nbackends: {vllm: {kind: openai-chat, base_url: \"http://127.0.0.1:9/v1\"}}\n"
        for spec in [
            try RunSpecLoader.load(yaml: Self.minimal, source: "w.yaml"), try RunSpecLoader.bundled(),
            try RunSpecLoader.load(yaml: bound, source: "w.yaml"),
        ] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = String(decoding: try encoder.encode(spec), as: UTF8.self)
            var reloaded = try RunSpecLoader.load(yaml: json, source: "config.json")
            reloaded.workload.source = spec.workload.source
            #expect(reloaded == spec)
        }
    }

    @Test("a workload on its own is checked without a target: tiers and tools, not what a server serves")
    func workloadAlone() throws {
        let workload = try WorkloadLoader.load(yaml: Self.minimal + "\nmodels: {small: gpt-9}\n", source: "w.yaml")
        #expect(workload.models["small"] == "gpt-9")
        #expect(throws: SpecError.self) {
            try RunSpecLoader.load(yaml: Self.minimal + "\nmodels: {small: gpt-9}\n", source: "w.yaml")
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int
        var field: String?
        var message: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "YAML syntax", yaml: "name: x\nload: [1, 2\ntasks: []\n", line: 3, field: nil, message: "invalid YAML"),
        BadInput(
            name: "wrong type", yaml: minimal.replacingOccurrences(of: "attempts: 3", with: "attempts: many"),
            line: 4, field: "load.attempts", message: "expected a whole number, found \"many\""),
        BadInput(
            name: "unknown field with a suggestion",
            yaml: minimal.replacingOccurrences(of: "output_tokens: 8", with: "ouput_tokens: 8"),
            line: 12, field: "tasks[0].steps[1].model.ouput_tokens", message: "did you mean \"output_tokens\""),
        BadInput(
            name: "missing field", yaml: minimal.replacingOccurrences(of: "name: tiny\n", with: ""),
            line: 1, field: nil, message: "missing required field \"name\""),
        BadInput(
            name: "bare-number duration", yaml: minimal.replacingOccurrences(of: "attempts: 3", with: "duration: 30"),
            line: 4, field: "load.duration", message: "found the bare number 30"),
        BadInput(
            name: "unknown tier", yaml: minimal.replacingOccurrences(of: "tier: small", with: "tier: medium"),
            line: 12, field: "tasks[0].steps[1].model.tier", message: "unknown tier \"medium\""),
        BadInput(
            name: "unknown tool", yaml: minimal.replacingOccurrences(of: "{name: grep}", with: "{name: find}"),
            line: 11, field: "tasks[0].steps[0].tool.name", message: "unknown tool \"find\"; the workload defines grep"),
        BadInput(
            name: "final tier without a pass probability",
            yaml: minimal.replacingOccurrences(of: "{small: 0.5}", with: "{large: 0.5}"),
            line: 9, field: "tasks[0].pass_probability", message: "final answer comes from tier \"small\""),
        BadInput(
            name: "probability out of range", yaml: minimal.replacingOccurrences(of: "{small: 0.5}", with: "{small: 1.5}"),
            line: 9, field: "tasks[0].pass_probability", message: "must be in 0...1"),
        BadInput(
            name: "inverted range",
            yaml: minimal.replacingOccurrences(of: "output_tokens: 8", with: "output_tokens: {min: 9, max: 2}"),
            line: 12, field: "tasks[0].steps[1].model.output_tokens.max", message: "at least min"),
        BadInput(
            name: "step with two kinds",
            yaml: minimal.replacingOccurrences(
                of: "- tool: {name: grep}", with: "- {tool: {name: grep}, model: {tier: small, output_tokens: 1}}"),
            line: 11, field: "tasks[0].steps[0]", message: "exactly one of"),
        BadInput(
            name: "unknown use class", yaml: minimal.replacingOccurrences(of: "{name: grep}", with: "{name: grep, use: ponder}"),
            line: 11, field: "tasks[0].steps[0].tool.use", message: "unknown use class \"ponder\""),
        BadInput(
            name: "duplicate task",
            yaml: minimal
                + "\n  - name: look\n    pass_probability: {small: 1}\n    steps: [{model: {tier: small, output_tokens: 1}}]\n",
            line: 13, field: "tasks[1].name", message: "used twice"),
        BadInput(
            name: "tier naming a model the fleet lacks", yaml: minimal + "\nmodels: {small: gpt-9}\n",
            line: 13, field: "models.small", message: "does not serve"),
        BadInput(
            name: "zero concurrency", yaml: minimal.replacingOccurrences(of: "[1, 2]", with: "[0, 2]"),
            line: 3, field: "load.concurrency", message: "from 1 to 4096"),
        BadInput(
            name: "fleet model missing from the catalog",
            yaml: minimal + "\nfleet: {deployments: [{name: sim-small, model: gpt-5, hardware: h100-sxm}]}\n",
            line: 13, field: "fleet.deployments[0].model", message: "unknown model \"gpt-5\""),
        BadInput(
            name: "unknown price field", yaml: minimal + "\nprices: {sim-small: {input_cost: 1}}\n",
            line: 13, field: "prices.sim-small.input_cost", message: "unknown price field"),
        BadInput(
            name: "fault fractions above 1", yaml: minimal + "\nfleet: {faults: {rate_limited: 0.7, truncated: 0.5}}\n",
            line: 13, field: "fleet.faults", message: "add up to 1.2; expected at most 1"),
        BadInput(
            name: "tier bound to an undefined backend", yaml: minimal + "\nmodels: {small: {model: m, backend: nowhere}}\n",
            line: 13, field: "models", message: "names backend \"nowhere\""),
        BadInput(
            name: "model-driven task without a grader", yaml: minimal + "\n  - {name: d, prompt: hi, model: small}\n",
            line: 13, field: nil, message: "needs at least one grader"),
        BadInput(
            name: "rerank step on an unknown tier",
            yaml: minimal.replacingOccurrences(of: "- tool: {name: grep}", with: "- rerank: {tier: reranker, documents: 5}"),
            line: 11, field: "tasks[0].steps[0].rerank.tier", message: "unknown tier \"reranker\""),
        BadInput(name: "empty file", yaml: "", line: 1, field: nil, message: "empty"),
    ]

    @Test("bad input is reported at its file, line and field", arguments: badInputs)
    func badInput(input: BadInput) throws {
        let error = try #require(Self.error(input.yaml), "expected an error")
        #expect(error.file == "w.yaml")
        #expect(error.line == input.line, "\(error)")
        if let field = input.field { #expect(error.field == field, "\(error)") }
        #expect(error.message.contains(input.message), "\(error)")
        #expect("\(error)".hasPrefix("w.yaml:\(input.line)"))
    }

    @Test("a missing file is an error naming the path")
    func missingFile() {
        #expect(throws: SpecError.self) {
            try WorkloadLoader.load(contentsOf: URL(fileURLWithPath: "/nonexistent/w.yaml"))
        }
    }
}

@Suite struct CredentialRefusalTests {
    static func backend(_ fields: String) -> String {
        WorkloadLoaderTests.minimal
            + "\nmodels: {small: {model: m, backend: up}, large: sim-large}\nbackends:\n  up: {kind: openai-chat, \(fields)}\n"
    }

    @Test(
        "a header that may carry a credential is refused, deny-by-default on its name",
        arguments: ["X-Auth-Token", "x-goog-api-key", "Ocp-Apim-Subscription-Key", "\"Authorization \"", "Cookie"])
    func headers(name: String) {
        #expect {
            try RunSpecLoader.load(
                yaml: Self.backend("base_url: \"http://127.0.0.1:9/v1\", headers: {\(name): abcdef-secret-value}"),
                source: "w.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("carries a credential") && text.contains("api_key_env") && !text.contains("abcdef-secret-value")
        }
    }

    @Test("an ordinary header is kept", arguments: ["X-Request-Source", "OpenAI-Beta", "anthropic-version"])
    func ordinaryHeader(name: String) throws {
        _ = try RunSpecLoader.load(
            yaml: Self.backend("base_url: \"http://127.0.0.1:9/v1\", headers: {\(name): v1}"), source: "w.yaml")
    }

    @Test(
        "a base URL with a user and password, or a key in its query, is refused without quoting it",
        arguments: [
            "http://alice:pa55word-xyz@127.0.0.1:9/v1", "https://example.com/v1?api_key=pa55word-xyz",
            "https://example.com/v1?code=pa55word-xyz",
        ])
    func baseURL(url: String) {
        let refused: Bool
        do {
            _ = try RunSpecLoader.load(yaml: Self.backend("base_url: \"\(url)\""), source: "w.yaml")
            refused = false
        } catch {
            let text = "\(error)"
            #expect(
                text.contains("w.yaml:") && text.contains("carries a credential") && !text.contains("pa55word-xyz"), "\(text)")
            refused = true
        }
        #expect(refused == !url.contains("code="), "a query parameter not named like a credential is allowed")
    }
}

@Suite struct AliasBombTests {
    @Test("a YAML alias bomb is refused before it is expanded, naming the limit")
    func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 9).joined(separator: ", "))]\n"
        }
        let workload =
            WorkloadLoaderTests.minimal.replacingOccurrences(
                of: "grep: {latency: 5ms, result_tokens: 10}", with: "grep: {latency: 5ms, result_tokens: 10, parameters: *a9}")
        #expect {
            try RunSpecLoader.load(yaml: yaml + workload, source: "bomb.yaml")
        } throws: { error in
            "\(error)".contains("bomb.yaml") && "\(error)".contains("expands to more than 1000000 values")
        }
    }
}

@Suite struct SpecFileMessageTests {
    @Test("a key given twice is named with its mapping's line, and the file is not quoted back")
    func duplicateKey() {
        let yaml = "name: a\nseed: 1\nname: b\n" + String(repeating: "# filler line that must not be echoed\n", count: 50)
        #expect {
            try RunSpecLoader.load(yaml: yaml, source: "dup.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("dup.yaml:1") && text.contains("\"name\" appears more than once")
                && !text.contains("filler line")
        }
    }

    @Test("a file that is not UTF-8 is refused at the line and column of its first foreign byte")
    func notUTF8() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("latin1.yaml")
        try Data("name: café\n".utf8 + [0x73, 0x65, 0x65, 0x64, 0x3A, 0x20, 0xE9, 0x0A]).write(to: url)
        #expect {
            try SpecFile.read(contentsOf: url, what: "workload")
        } throws: { error in
            "\(error)".contains("latin1.yaml:2:7") && "\(error)".contains("not UTF-8")
        }
    }

    @Test("file errors are plain words, not Foundation's NSCocoaErrorDomain codes")
    func fileErrors() {
        #expect(FileErrors.describe(CocoaError(.fileReadNoPermission)) == "permission denied")
        #expect(FileErrors.describe(CocoaError(.fileReadNoSuchFile)) == "no such file")
        #expect(FileErrors.describe(NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))) == "permission denied")
        #expect(!FileErrors.describe(CocoaError(.fileReadUnknown)).contains("could not be completed"))
    }
}
