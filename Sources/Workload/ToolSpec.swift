import Foundation
package import Sampling
package import SpecDecoding
import Timekeeping
package import Traces
package import WireFormats

/// How long a simulated tool takes.
package enum LatencyDistribution: Sendable, Hashable {
    case fixed(DurationSpec)
    case uniform(DurationSpec, DurationSpec)
    case exponential(mean: DurationSpec)
    /// Log-normal with the given median and 95th percentile.
    case lognormal(median: DurationSpec, p95: DurationSpec)

    /// Draws one latency (a draw past `Int64.max` nanoseconds, some 292 years, saturates).
    package func sample(using generator: inout SeededGenerator) -> Duration {
        let seconds: Double =
            switch self {
            case .fixed(let value): value.seconds
            case .uniform(let low, let high): generator.uniform(low.seconds, high.seconds)
            case .exponential(let mean): generator.exponential(mean: mean.seconds)
            case .lognormal(let median, let p95): generator.lognormal(median: median.seconds, p95: p95.seconds)
            }
        return .seconds(saturating: seconds)
    }

    /// The distribution's mean in seconds.
    package var meanSeconds: Double {
        switch self {
        case .fixed(let value): value.seconds
        case .uniform(let low, let high): (low.seconds + high.seconds) / 2
        case .exponential(let mean): mean.seconds
        case .lognormal(let median, let p95):
            median.seconds * exp(0.5 * pow(SeededGenerator.lognormalSigma(median: median.seconds, p95: p95.seconds), 2))
        }
    }
}

extension LatencyDistribution: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case fixed, uniform, exponential, lognormal }
    enum MeanKeys: String, CodingKey, CaseIterable { case mean }
    enum LognormalKeys: String, CodingKey, CaseIterable { case median, p95 }

    package init(from decoder: any Decoder) throws {
        if let fixed = try? decoder.singleValueContainer().decode(DurationSpec.self) {
            self = .fixed(fixed)
            return
        }
        let expectation =
            "expected a duration (50ms) or one of {fixed: 50ms}, {uniform: [20ms, 80ms]}, {exponential: {mean: 100ms}}, {lognormal: {median: 300ms, p95: 1.2s}}"
        guard (try? decoder.container(keyedBy: AnyKey.self)) != nil else {
            // A scalar that is not a duration: let DurationSpec explain what was wrong.
            _ = try decoder.singleValueContainer().decode(DurationSpec.self)
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: expectation))
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: expectation))
        }
        switch key {
        case .fixed:
            self = .fixed(try c.decode(DurationSpec.self, forKey: .fixed))
        case .uniform:
            let bounds = try c.decode([DurationSpec].self, forKey: .uniform)
            try c.require(
                bounds.count == 2 && bounds[0].duration <= bounds[1].duration, .uniform,
                "expected [low, high] with low ≤ high")
            self = .uniform(bounds[0], bounds[1])
        case .exponential:
            let nested = try c.superDecoder(forKey: .exponential)
            try nested.rejectUnknownKeys(MeanKeys.self)
            let mean = try nested.container(keyedBy: MeanKeys.self).decode(DurationSpec.self, forKey: .mean)
            self = .exponential(mean: mean)
        case .lognormal:
            let nested = try c.superDecoder(forKey: .lognormal)
            try nested.rejectUnknownKeys(LognormalKeys.self)
            let n = try nested.container(keyedBy: LognormalKeys.self)
            let median = try n.decode(DurationSpec.self, forKey: .median)
            let p95 = try n.decode(DurationSpec.self, forKey: .p95)
            try n.require(median.duration > .zero, .median, "expected a median above 0")
            try n.require(p95.duration >= median.duration, .p95, "expected p95 (\(p95)) at or above the median (\(median))")
            self = .lognormal(median: median, p95: p95)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .fixed(let value): try c.encode(value, forKey: .fixed)
        case .uniform(let low, let high): try c.encode([low, high], forKey: .uniform)
        case .exponential(let mean):
            var n = c.nestedContainer(keyedBy: MeanKeys.self, forKey: .exponential)
            try n.encode(mean, forKey: .mean)
        case .lognormal(let median, let p95):
            var n = c.nestedContainer(keyedBy: LognormalKeys.self, forKey: .lognormal)
            try n.encode(median, forKey: .median)
            try n.encode(p95, forKey: .p95)
        }
    }
}

/// A tool an agent can call.
///
/// Scripted agents call tools by name; model-driven agents see each tool's `description` and
/// JSON-schema `parameters` and choose. Kinds:
/// - simulated: waits a drawn latency and returns text of a drawn size;
/// - command: runs argv directly (never through a shell); `{name}` in an argument is replaced
///   by the model's argument of that name, and with `stdin: arguments` the whole arguments
///   object is written to the command's standard input as JSON;
/// - http: a request to a URL template (`{name}` percent-encoded), arguments as the JSON body
///   of a POST;
/// - mcp: a tool of an MCP server the workload starts (`mcp_servers`);
/// - retrieval: nearest chunks of a local corpus by the embedding backend;
/// - agent: a sub-agent with its own prompt, model and tools (a delegation).
package struct ToolSpec: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case simulated(latency: LatencyDistribution, resultTokens: TokenCount)
        case command(CommandTool)
        case http(HTTPTool)
        case mcp(server: String, tool: String?)
        case retrieval(RetrievalTool)
        case agent(SubAgentTool)
    }

    package var kind: Kind
    /// What the model is told the tool does.
    package var description: String?
    /// JSON Schema of the arguments (an object schema). `nil`: no arguments, or (MCP) the
    /// server's own schema.
    package var parameters: JSONValue?
    /// The use class of its steps; default by kind (agent: delegate, retrieval: read, else act).
    package var use: UseClass?
    /// Price of one call in US dollars, added to the attempt's cost.
    package var costPerCall: Double?
    /// Simulated failure rate: the share of calls that fail (0…1).
    package var failureRate: Double

    package init(
        kind: Kind, description: String? = nil, parameters: JSONValue? = nil, use: UseClass? = nil, costPerCall: Double? = nil,
        failureRate: Double = 0
    ) {
        self.kind = kind
        self.description = description
        self.parameters = parameters
        self.use = use
        self.costPerCall = costPerCall
        self.failureRate = failureRate
    }

    /// The use class its steps record.
    package var useClass: UseClass {
        if let use { return use }
        switch kind {
        case .agent: return .delegate
        case .retrieval: return .read
        default: return .act
        }
    }
}

/// A real command. `argv[0]` is looked up on PATH.
package struct CommandTool: Sendable, Hashable {
    package var argv: [String]
    package var timeout: DurationSpec
    /// Write the call's arguments to standard input as JSON.
    package var argumentsOnStdin: Bool

    package init(argv: [String], timeout: DurationSpec = DurationSpec(.seconds(60)), argumentsOnStdin: Bool = false) {
        self.argv = argv
        self.timeout = timeout
        self.argumentsOnStdin = argumentsOnStdin
    }
}

package struct HTTPTool: Sendable, Hashable {
    package var method: String
    package var url: String
    package var headers: [String: String]
    package var timeout: DurationSpec

    package init(
        method: String = "GET", url: String, headers: [String: String] = [:], timeout: DurationSpec = DurationSpec(.seconds(30))
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.timeout = timeout
    }
}

/// Retrieval over local text files: split into chunks of about `chunkWords` words, embedded once
/// per run with the `tier`'s embedding model, searched by cosine similarity; with `rerankTier`,
/// the best `candidates` chunks are reranked by that tier's reranker before the `topK` are kept.
package struct RetrievalTool: Sendable, Hashable {
    /// A file or directory (of .txt and .md files), relative to the workload file.
    package var corpus: String
    package var tier: String
    package var topK: Int
    package var chunkWords: Int
    package var rerankTier: String?
    /// Chunks passed to the reranker (at least `topK`).
    package var candidates: Int

    package init(
        corpus: String, tier: String = "embedding", topK: Int = 3, chunkWords: Int = 120, rerankTier: String? = nil,
        candidates: Int? = nil
    ) {
        self.corpus = corpus
        self.tier = tier
        self.topK = topK
        self.chunkWords = chunkWords
        self.rerankTier = rerankTier
        self.candidates = max(topK, candidates ?? topK * 4)
    }
}

/// A sub-agent the model can delegate to: it gets the call's `task` argument as its prompt.
package struct SubAgentTool: Sendable, Hashable {
    package var systemPrompt: String
    package var tier: String
    package var tools: [String]
    package var limits: AgentLimits
    /// How the simulated fleet answers it (ignored by real backends).
    package var simulate: [SimulatedTurn]

    package init(
        systemPrompt: String, tier: String, tools: [String] = [], limits: AgentLimits = AgentLimits(),
        simulate: [SimulatedTurn] = []
    ) {
        self.systemPrompt = systemPrompt
        self.tier = tier
        self.tools = tools
        self.limits = limits
        self.simulate = simulate
    }
}

extension ToolSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case latency, resultTokens = "result_tokens", command, stdin, timeout, http, mcp, mcpTool = "mcp_tool", retrieval
        case agent, description, parameters, use, costPerCall = "cost_per_call", failureRate = "failure_rate"
    }

    enum HTTPKeys: String, CodingKey, CaseIterable { case method, url, headers, timeout }
    enum RetrievalKeys: String, CodingKey, CaseIterable {
        case corpus, tier, topK = "top_k", chunkWords = "chunk_words", rerank, candidates
    }
    enum AgentKeys: String, CodingKey, CaseIterable { case systemPrompt = "system_prompt", model, tools, limits, simulate }

    static let kinds: [CodingKeys] = [.latency, .command, .http, .mcp, .retrieval, .agent]

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let present = Self.kinds.filter { c.contains($0) }
        guard present.count == 1, let which = present.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "a tool needs exactly one of latency (simulated), command, http, mcp, retrieval or agent; found \(present.isEmpty ? "none" : present.map(\.stringValue).joined(separator: ", "))"
                ))
        }
        for key in [CodingKeys.resultTokens] where c.contains(key) && which != .latency {
            try c.require(false, key, "result_tokens applies to simulated tools (latency) only")
        }
        for key in [CodingKeys.stdin, .timeout] where c.contains(key) && which != .command {
            try c.require(false, key, "\(key.stringValue) applies to command tools only")
        }
        if c.contains(.mcpTool) && which != .mcp { try c.require(false, .mcpTool, "mcp_tool applies to mcp tools only") }
        switch which {
        case .latency:
            kind = .simulated(
                latency: try c.decode(LatencyDistribution.self, forKey: .latency),
                resultTokens: try c.decodeIfPresent(TokenCount.self, forKey: .resultTokens) ?? TokenCount(100))
        case .command:
            let argv = try c.decode([String].self, forKey: .command)
            try c.require(
                !argv.isEmpty && !argv[0].isEmpty, .command, "expected a non-empty argument list, like [\"pytest\", \"-q\"]")
            let stdin = try c.decodeIfPresent(String.self, forKey: .stdin)
            try c.require(stdin == nil || stdin == "arguments", .stdin, "expected \"arguments\" (the call's arguments as JSON)")
            kind = .command(
                CommandTool(
                    argv: argv, timeout: try c.decodeIfPresent(DurationSpec.self, forKey: .timeout) ?? DurationSpec(.seconds(60)),
                    argumentsOnStdin: stdin != nil))
        case .http:
            let nested = try c.superDecoder(forKey: .http)
            try nested.rejectUnknownKeys(HTTPKeys.self)
            let h = try nested.container(keyedBy: HTTPKeys.self)
            let method = (try h.decodeIfPresent(String.self, forKey: .method) ?? "GET").uppercased()
            try h.require(["GET", "POST", "PUT", "DELETE"].contains(method), .method, "expected GET, POST, PUT or DELETE")
            let url = try h.decode(String.self, forKey: .url)
            try h.require(url.hasPrefix("http://") || url.hasPrefix("https://"), .url, "expected an http(s) URL template")
            kind = .http(
                HTTPTool(
                    method: method, url: url, headers: try h.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
                    timeout: try h.decodeIfPresent(DurationSpec.self, forKey: .timeout) ?? DurationSpec(.seconds(30))))
        case .mcp:
            kind = .mcp(
                server: try c.decode(String.self, forKey: .mcp), tool: try c.decodeIfPresent(String.self, forKey: .mcpTool))
        case .retrieval:
            let nested = try c.superDecoder(forKey: .retrieval)
            try nested.rejectUnknownKeys(RetrievalKeys.self)
            let r = try nested.container(keyedBy: RetrievalKeys.self)
            let topK = try r.decodeIfPresent(Int.self, forKey: .topK) ?? 3
            try r.require((1...50).contains(topK), .topK, "expected 1 to 50 chunks")
            let words = try r.decodeIfPresent(Int.self, forKey: .chunkWords) ?? 120
            try r.require((10...4000).contains(words), .chunkWords, "expected 10 to 4000 words per chunk")
            let candidates = try r.decodeIfPresent(Int.self, forKey: .candidates)
            try r.require(
                candidates.map { (topK...500).contains($0) } ?? true, .candidates,
                "expected \(topK) (top_k) to 500 chunks for the reranker")
            kind = .retrieval(
                RetrievalTool(
                    corpus: try r.decode(String.self, forKey: .corpus),
                    tier: try r.decodeIfPresent(String.self, forKey: .tier) ?? "embedding",
                    topK: topK, chunkWords: words, rerankTier: try r.decodeIfPresent(String.self, forKey: .rerank),
                    candidates: candidates))
        case .agent:
            let nested = try c.superDecoder(forKey: .agent)
            try nested.rejectUnknownKeys(AgentKeys.self)
            let a = try nested.container(keyedBy: AgentKeys.self)
            kind = .agent(
                SubAgentTool(
                    systemPrompt: try a.decode(String.self, forKey: .systemPrompt),
                    tier: try a.decode(String.self, forKey: .model),
                    tools: try a.decodeIfPresent([String].self, forKey: .tools) ?? [],
                    limits: try a.decodeIfPresent(AgentLimits.self, forKey: .limits) ?? AgentLimits(),
                    simulate: try a.decodeIfPresent([SimulatedTurn].self, forKey: .simulate) ?? []))
        default:
            fatalError("unreachable: kinds are listed above")
        }
        description = try c.decodeIfPresent(String.self, forKey: .description)
        parameters = try c.decodeIfPresent(JSONValue.self, forKey: .parameters)
        if let parameters {
            try c.require(
                parameters["type"] == "object", .parameters,
                "expected a JSON Schema object, like {type: object, properties: {query: {type: string}}, required: [query]}")
        }
        use = c.contains(.use) ? try decodeUse(c, .use, default: .act) : nil
        costPerCall = try c.decodeIfPresent(Double.self, forKey: .costPerCall)
        try c.require((costPerCall ?? 0) >= 0, .costPerCall, "expected a price of at least 0")
        failureRate = try c.decodeIfPresent(Double.self, forKey: .failureRate) ?? 0
        try c.require((0...1).contains(failureRate), .failureRate, "expected a fraction from 0 to 1")
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch kind {
        case .simulated(let latency, let tokens):
            try c.encode(latency, forKey: .latency)
            try c.encode(tokens, forKey: .resultTokens)
        case .command(let command):
            try c.encode(command.argv, forKey: .command)
            try c.encode(command.timeout, forKey: .timeout)
            if command.argumentsOnStdin { try c.encode("arguments", forKey: .stdin) }
        case .http(let http):
            var h = c.nestedContainer(keyedBy: HTTPKeys.self, forKey: .http)
            try h.encode(http.method, forKey: .method)
            try h.encode(http.url, forKey: .url)
            if !http.headers.isEmpty { try h.encode(http.headers, forKey: .headers) }
            try h.encode(http.timeout, forKey: .timeout)
        case .mcp(let server, let tool):
            try c.encode(server, forKey: .mcp)
            try c.encodeIfPresent(tool, forKey: .mcpTool)
        case .retrieval(let retrieval):
            var r = c.nestedContainer(keyedBy: RetrievalKeys.self, forKey: .retrieval)
            try r.encode(retrieval.corpus, forKey: .corpus)
            try r.encode(retrieval.tier, forKey: .tier)
            try r.encode(retrieval.topK, forKey: .topK)
            try r.encode(retrieval.chunkWords, forKey: .chunkWords)
            if let rerank = retrieval.rerankTier {
                try r.encode(rerank, forKey: .rerank)
                try r.encode(retrieval.candidates, forKey: .candidates)
            }
        case .agent(let agent):
            var a = c.nestedContainer(keyedBy: AgentKeys.self, forKey: .agent)
            try a.encode(agent.systemPrompt, forKey: .systemPrompt)
            try a.encode(agent.tier, forKey: .model)
            try a.encode(agent.tools, forKey: .tools)
            try a.encode(agent.limits, forKey: .limits)
            if !agent.simulate.isEmpty { try a.encode(agent.simulate, forKey: .simulate) }
        }
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(parameters, forKey: .parameters)
        try c.encodeIfPresent(use?.rawValue, forKey: .use)
        try c.encodeIfPresent(costPerCall, forKey: .costPerCall)
        if failureRate > 0 { try c.encode(failureRate, forKey: .failureRate) }
    }
}
