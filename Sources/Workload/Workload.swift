import Foundation
package import Pricing
import SpecDecoding
package import Thresholds

/// A benchmark workload: representative agent tasks, the model of each tier they use, the load
/// to put on them, and the prices to charge. It says what to run; where the calls go (backends,
/// the endpoint, the built-in fleet) is the run's `TargetSpec`, read from the same file.
package struct Workload: Sendable, Hashable {
    package var name: String
    package var description: String?
    /// Seeds every random draw (prompt contents, step counts, tool latencies, grader verdicts).
    package var seed: UInt64
    package var load: LoadProfile
    /// Tier → served model name.
    package var models: [String: String]
    /// MCP servers started once per run.
    package var mcpServers: [String: MCPServerSpec]
    /// Model and tool prices (defaults for the simulated models, merged with the file's).
    package var prices: PriceTable
    package var tools: [String: ToolSpec]
    package var tasks: [TaskSpec]
    /// Named configurations of the same tasks (`agentperf run --variants`), by name in name order.
    package var variants: [Variant] = []
    /// Attempts are RL rollouts of a policy a trainer updates as they complete (`rollouts:`).
    package var rollouts: RolloutSpec?
    /// V, λ and ρ for this workload's diagnoses (`marginal:`); nil: the defaults.
    package var marginal: MarginalPrices?
    /// Gates on the run's figures (`thresholds:`), judged when it ends; `--threshold` adds more.
    package var thresholds: [Threshold] = []
    /// Where the workload was read from (a path, or `<bundled default>`).
    package var source: String

    package init(
        name: String, description: String? = nil, seed: UInt64 = 1, load: LoadProfile, models: [String: String],
        mcpServers: [String: MCPServerSpec] = [:], prices: PriceTable, tools: [String: ToolSpec], tasks: [TaskSpec],
        source: String
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.load = load
        self.models = models
        self.mcpServers = mcpServers
        self.prices = prices
        self.tools = tools
        self.tasks = tasks
        self.source = source
    }
}

extension Workload {
    /// Makes the paths in the workload absolute, relative ones against `directory`.
    mutating func resolvePaths(against directory: URL) {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
        }
        for (name, tool) in tools {
            if case .retrieval(var retrieval) = tool.kind {
                retrieval.corpus = resolve(retrieval.corpus)
                tools[name]?.kind = .retrieval(retrieval)
            }
        }
        for index in tasks.indices {
            if case .driven(var task) = tasks[index].behaviour {
                task.workspace = task.workspace.map(resolve)
                task.process = task.process?.resolvingPaths(resolve)
                tasks[index].behaviour = .driven(task)
            }
        }
        for (name, server) in mcpServers {
            mcpServers[name]?.directory = resolve(server.directory ?? ".")
        }
    }
}

extension Workload: Codable {
    /// The file's top-level keys. `backends`, `endpoint` and `fleet` (and the `backend` of a
    /// model binding) are the run target's sections: the workload skips them and `TargetSpec`
    /// reads them from the same file.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, seed, load, models, backends, mcpServers = "mcp_servers", endpoint, fleet, prices, tools
        case tasks, variants, rollouts, marginal, thresholds
    }

    /// `models:` maps a tier to a model name, or to `{model: NAME, backend: BACKEND}`.
    package struct ModelBinding: Decodable, Sendable {
        package var model: String
        package var backend: String?
        package enum CodingKeys: String, CodingKey, CaseIterable { case model, backend }

        package init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                model = name
                return
            }
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            backend = try c.decodeIfPresent(String.self, forKey: .backend)
        }
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        load = try c.decode(LoadProfile.self, forKey: .load)
        models =
            try c.decodeIfPresent([String: ModelBinding].self, forKey: .models)?.mapValues(\.model) ?? SimulatedDefaults.models
        mcpServers = try c.decodeIfPresent([String: MCPServerSpec].self, forKey: .mcpServers) ?? [:]
        tools = try c.decodeIfPresent([String: ToolSpec].self, forKey: .tools) ?? [:]
        var prices = SimulatedDefaults.prices
        if c.contains(.prices) {
            prices = prices.merged(with: try PriceOverrides.decode(from: c.superDecoder(forKey: .prices)))
        }
        for (tool, spec) in tools {
            if let cost = spec.costPerCall { prices.tools[tool] = ToolPrice(costPerCall: cost) }
        }
        self.prices = prices
        tasks = try c.decode([TaskSpec].self, forKey: .tasks)
        try c.require(!tasks.isEmpty, .tasks, "expected at least one task")
        let variantSpecs = try c.decodeIfPresent([String: Variant].self, forKey: .variants) ?? [:]
        for name in variantSpecs.keys {
            try c.require(
                !name.isEmpty && !name.contains(",") && !name.contains("*") && !name.contains(" "), .variants,
                "variant name \"\(name)\": use letters, digits, - and _ (no commas, spaces or *)")
        }
        variants = variantSpecs.sorted { $0.key < $1.key }.map {
            var variant = $0.value
            variant.name = $0.key
            return variant
        }
        rollouts = try c.decodeIfPresent(RolloutSpec.self, forKey: .rollouts)
        if c.contains(.marginal) {
            try c.superDecoder(forKey: .marginal).rejectUnknownKeys(MarginalPrices.CodingKeys.self)
            marginal = try c.decode(MarginalPrices.self, forKey: .marginal)
        }
        if c.contains(.thresholds) {
            var list = try c.nestedUnkeyedContainer(forKey: .thresholds)
            while !list.isAtEnd {
                let expression = try list.decode(String.self)
                do {
                    thresholds.append(try Threshold.parse(expression))
                } catch {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: list.codingPath + [AnyKey(intValue: list.currentIndex - 1)],
                            debugDescription: error.description))
                }
            }
        }
        source = ""
    }

    package func encode(to encoder: any Encoder) throws {
        try encode(to: encoder, backendBindings: [:])
    }

    /// Encodes the workload's sections; tiers in `backendBindings` are written as
    /// `{model: NAME, backend: BACKEND}` (the target writes its own sections beside them).
    package func encode(to encoder: any Encoder, backendBindings modelBackends: [String: String]) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(seed, forKey: .seed)
        try c.encode(load, forKey: .load)
        var bindings = c.nestedContainer(keyedBy: AnyKey.self, forKey: .models)
        for (tier, model) in models {
            if let backend = modelBackends[tier] {
                var binding = bindings.nestedContainer(keyedBy: ModelBinding.CodingKeys.self, forKey: AnyKey(stringValue: tier))
                try binding.encode(model, forKey: .model)
                try binding.encode(backend, forKey: .backend)
            } else {
                try bindings.encode(model, forKey: AnyKey(stringValue: tier))
            }
        }
        if !mcpServers.isEmpty { try c.encode(mcpServers, forKey: .mcpServers) }
        try c.encode(prices, forKey: .prices)
        try c.encode(tools, forKey: .tools)
        try c.encode(tasks, forKey: .tasks)
        try c.encodeIfPresent(rollouts, forKey: .rollouts)
        try c.encodeIfPresent(marginal, forKey: .marginal)
        if !thresholds.isEmpty { try c.encode(thresholds.map(\.description), forKey: .thresholds) }
        if !variants.isEmpty {
            try c.encode(Dictionary(uniqueKeysWithValues: variants.map { ($0.name, $0) }), forKey: .variants)
        }
    }
}

/// The `prices:` section: a LiteLLM-style map of model → prices, or a whole price table;
/// unlike a LiteLLM file, an unknown field here is an error (it is most likely a typo).
enum PriceOverrides {
    static let fields = [
        "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
        "cache_creation_input_token_cost", "cache_creation_input_token_cost_above_1hr",
        "output_cost_per_reasoning_token", "litellm_provider", "mode",
    ]

    static func decode(from decoder: any Decoder) throws -> PriceTable {
        let top = try decoder.container(keyedBy: AnyKey.self)
        if top.contains(AnyKey(stringValue: "models")) {
            return try PriceTable(from: decoder)
        }
        var models: [String: ModelPrice] = [:]
        for key in top.allKeys {
            let entry = try top.superDecoder(forKey: key)
            let fieldsContainer = try entry.container(keyedBy: AnyKey.self)
            for field in fieldsContainer.allKeys where !fields.contains(field.stringValue) {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: entry.codingPath + [field],
                        debugDescription:
                            "unknown price field \"\(field.stringValue)\"; LiteLLM fields allowed here: \(fields.joined(separator: ", "))"
                    ))
            }
            let price = try ModelPrice(from: entry)
            for (field, value) in [
                ("input_cost_per_token", price.inputCostPerToken), ("output_cost_per_token", price.outputCostPerToken),
            ]
            where (value ?? 0) < 0 {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: entry.codingPath + [AnyKey(stringValue: field)],
                        debugDescription: "expected a price of at least 0"))
            }
            models[key.stringValue] = price
        }
        return PriceTable(version: "workload", models: models)
    }
}

/// RL-style rollouts: a trainer consumes each attempt as it ends and publishes a new policy
/// version every `updateEvery` consumed attempts; an attempt records the version it started
/// under and the one that consumed it, so asynchronous lag is in the trace.
package struct RolloutSpec: Sendable, Hashable, Codable {
    /// Consumed attempts per policy update.
    package var updateEvery: Int

    package init(updateEvery: Int) { self.updateEvery = updateEvery }

    enum CodingKeys: String, CodingKey, CaseIterable { case updateEvery = "update_every" }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        updateEvery = try c.decode(Int.self, forKey: .updateEvery)
        try c.require((1...1_000_000).contains(updateEvery), .updateEvery, "expected 1 to 1000000 attempts per update")
    }
}
