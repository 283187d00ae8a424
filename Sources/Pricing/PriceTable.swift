public import Foundation
import Traces

/// Prices of one model, in US dollars per token, with LiteLLM's field names
/// (`model_prices_and_context_window.json`), so LiteLLM's own file can be used as is.
public struct ModelPrice: Sendable, Hashable, Codable {
    /// US dollars per uncached prompt token; nil when the table lists none, and the model is then unpriced.
    public var inputCostPerToken: Double?
    /// US dollars per generated token; nil when the table lists none, and the model is then unpriced unless it generated nothing.
    public var outputCostPerToken: Double?
    /// US dollars per prompt token read from a cache; nil assumes 0.1 × the input price.
    public var cacheReadInputTokenCost: Double?
    /// Cache write with the default (five-minute) TTL.
    public var cacheCreationInputTokenCost: Double?
    /// Cache write with a one-hour TTL.
    public var cacheCreationInputTokenCostAbove1hr: Double?
    /// US dollars per reasoning token; nil bills reasoning tokens at the output price.
    public var outputCostPerReasoningToken: Double?
    /// Long-context rates, used for every token of a request whose prompt exceeds 200k tokens.
    public var inputCostPerTokenAbove200k: Double?
    /// Long-context price per generated token; nil keeps `outputCostPerToken`.
    public var outputCostPerTokenAbove200k: Double?
    /// Long-context price per prompt token read from a cache; nil assumes 0.1 × the long-context input price.
    public var cacheReadInputTokenCostAbove200k: Double?
    /// Long-context price per prompt token written with the five-minute TTL; nil assumes 1.25 × the long-context input price.
    public var cacheCreationInputTokenCostAbove200k: Double?
    /// LiteLLM's `litellm_provider` (`anthropic`, `openai`, …), kept from the file; pricing does not use it.
    public var litellmProvider: String?
    /// LiteLLM's `mode` (`chat`, `embedding`, …), kept from the file; pricing does not use it.
    public var mode: String?

    /// A price with the given fields, in US dollars per token; fields left out are nil (not listed).
    public init(
        inputCostPerToken: Double? = nil, outputCostPerToken: Double? = nil,
        cacheReadInputTokenCost: Double? = nil, cacheCreationInputTokenCost: Double? = nil,
        cacheCreationInputTokenCostAbove1hr: Double? = nil, outputCostPerReasoningToken: Double? = nil,
        inputCostPerTokenAbove200k: Double? = nil, outputCostPerTokenAbove200k: Double? = nil,
        cacheReadInputTokenCostAbove200k: Double? = nil, cacheCreationInputTokenCostAbove200k: Double? = nil,
        litellmProvider: String? = nil, mode: String? = nil
    ) {
        self.inputCostPerToken = inputCostPerToken
        self.outputCostPerToken = outputCostPerToken
        self.cacheReadInputTokenCost = cacheReadInputTokenCost
        self.cacheCreationInputTokenCost = cacheCreationInputTokenCost
        self.cacheCreationInputTokenCostAbove1hr = cacheCreationInputTokenCostAbove1hr
        self.outputCostPerReasoningToken = outputCostPerReasoningToken
        self.inputCostPerTokenAbove200k = inputCostPerTokenAbove200k
        self.outputCostPerTokenAbove200k = outputCostPerTokenAbove200k
        self.cacheReadInputTokenCostAbove200k = cacheReadInputTokenCostAbove200k
        self.cacheCreationInputTokenCostAbove200k = cacheCreationInputTokenCostAbove200k
        self.litellmProvider = litellmProvider
        self.mode = mode
    }

    enum CodingKeys: String, CodingKey {
        case inputCostPerToken = "input_cost_per_token"
        case outputCostPerToken = "output_cost_per_token"
        case cacheReadInputTokenCost = "cache_read_input_token_cost"
        case cacheCreationInputTokenCost = "cache_creation_input_token_cost"
        case cacheCreationInputTokenCostAbove1hr = "cache_creation_input_token_cost_above_1hr"
        case outputCostPerReasoningToken = "output_cost_per_reasoning_token"
        case inputCostPerTokenAbove200k = "input_cost_per_token_above_200k_tokens"
        case outputCostPerTokenAbove200k = "output_cost_per_token_above_200k_tokens"
        case cacheReadInputTokenCostAbove200k = "cache_read_input_token_cost_above_200k_tokens"
        case cacheCreationInputTokenCostAbove200k = "cache_creation_input_token_cost_above_200k_tokens"
        case litellmProvider = "litellm_provider"
        case mode
    }

    /// Fields of `other` that are set replace those of `self`.
    public func overridden(by other: ModelPrice) -> ModelPrice {
        ModelPrice(
            inputCostPerToken: other.inputCostPerToken ?? inputCostPerToken,
            outputCostPerToken: other.outputCostPerToken ?? outputCostPerToken,
            cacheReadInputTokenCost: other.cacheReadInputTokenCost ?? cacheReadInputTokenCost,
            cacheCreationInputTokenCost: other.cacheCreationInputTokenCost ?? cacheCreationInputTokenCost,
            cacheCreationInputTokenCostAbove1hr: other.cacheCreationInputTokenCostAbove1hr
                ?? cacheCreationInputTokenCostAbove1hr,
            outputCostPerReasoningToken: other.outputCostPerReasoningToken ?? outputCostPerReasoningToken,
            inputCostPerTokenAbove200k: other.inputCostPerTokenAbove200k ?? inputCostPerTokenAbove200k,
            outputCostPerTokenAbove200k: other.outputCostPerTokenAbove200k ?? outputCostPerTokenAbove200k,
            cacheReadInputTokenCostAbove200k: other.cacheReadInputTokenCostAbove200k ?? cacheReadInputTokenCostAbove200k,
            cacheCreationInputTokenCostAbove200k: other.cacheCreationInputTokenCostAbove200k
                ?? cacheCreationInputTokenCostAbove200k,
            litellmProvider: other.litellmProvider ?? litellmProvider,
            mode: other.mode ?? mode
        )
    }
}

/// Price of one tool invocation, in US dollars.
public struct ToolPrice: Sendable, Hashable, Codable {
    /// US dollars charged for each call of the tool, added to the step's `tool` cost.
    public var costPerCall: Double

    /// A price of `costPerCall` US dollars per call.
    public init(costPerCall: Double) { self.costPerCall = costPerCall }

    enum CodingKeys: String, CodingKey { case costPerCall = "cost_per_call" }
}

/// A versioned price table: model prices in LiteLLM's schema plus tool-call prices.
///
/// File format (JSON): `{"version": "…", "models": {NAME: {input_cost_per_token: …}}, "tools":
/// {NAME: {"cost_per_call": …}}}`. A bare LiteLLM `model_prices_and_context_window.json` (a map
/// of model names) is read too.
public struct PriceTable: Sendable, Hashable {
    /// A label saying which snapshot this is (for example `agentperf-sim-2026-11`).
    public var version: String
    /// Model prices by model name as the table lists it; look a recorded name up with `price(for:)`.
    public var models: [String: ModelPrice]
    /// Tool-call prices by tool name (`gen_ai.tool.name`); a tool without an entry costs nothing.
    public var tools: [String: ToolPrice]

    /// A table labelled `version` with the given model and tool prices.
    public init(version: String, models: [String: ModelPrice] = [:], tools: [String: ToolPrice] = [:]) {
        self.version = version
        self.models = models
        self.tools = tools
    }

    /// The entry for `model`: the exact name, then without a `provider/` prefix (LiteLLM and
    /// Inspect write `openai/gpt-4o`; price tables list `gpt-4o`), then lower-cased; and only then,
    /// for an undated alias (`claude-sonnet-4-5`), the table's latest dated entry of it
    /// (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`), as the provider resolves the alias;
    /// last, for a dated id the table lacks, its undated alias. The name returned says which
    /// entry priced it (`price_entries`).
    public func price(for model: String) -> (name: String, price: ModelPrice)? {
        var candidates = [model]
        if let slash = model.lastIndex(of: "/") { candidates.append(String(model[model.index(after: slash)...])) }
        candidates += candidates.map { $0.lowercased() }
        for name in candidates {
            if let price = models[name] { return (name, price) }
        }
        for alias in candidates {
            let dated = models.keys.compactMap { name -> (date: String, name: String)? in
                guard name.hasPrefix(alias + "-"), let date = ModelIdentifier.date(name.dropFirst(alias.count + 1)) else {
                    return nil
                }
                return (date, name)
            }
            if let latest = dated.max(by: { ($0.date, $0.name) < ($1.date, $1.name) }), let price = models[latest.name] {
                return (latest.name, price)
            }
        }
        for dated in candidates {
            guard let dash = ModelIdentifier.dateSuffixStart(of: dated) else { continue }
            let alias = String(dated[..<dash])
            if let price = models[alias] { return (alias, price) }
        }
        return nil
    }

    /// `self` with the entries of `overrides` merged in field by field.
    public func merged(with overrides: PriceTable) -> PriceTable {
        var result = self
        // A table already derived from this one (a saved, resolved config) keeps its own label.
        result.version =
            overrides.version.isEmpty
            ? version
            : overrides.version.hasPrefix(version) ? overrides.version : "\(version)+\(overrides.version)"
        for (name, price) in overrides.models {
            result.models[name] = models[name].map { $0.overridden(by: price) } ?? price
        }
        result.tools.merge(overrides.tools) { _, new in new }
        return result
    }
}

extension PriceTable: Codable {
    enum CodingKeys: String, CodingKey { case version, models, tools }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.models) {
            let models = try c.decode([String: ModelPrice].self, forKey: .models)
            try Self.check(models, in: c.codingPath + [CodingKeys.models])
            self.init(
                version: try c.decodeIfPresent(String.self, forKey: .version) ?? "",
                models: models,
                tools: try c.decodeIfPresent([String: ToolPrice].self, forKey: .tools) ?? [:])
            return
        }
        // A bare LiteLLM map: keep entries that carry token prices, skip `sample_spec` and
        // entries of other shapes.
        let all = try decoder.container(keyedBy: NameKey.self)
        var models: [String: ModelPrice] = [:]
        for key in all.allKeys where key.stringValue != "sample_spec" {
            if let price = try? all.decode(ModelPrice.self, forKey: key),
                price.inputCostPerToken != nil || price.outputCostPerToken != nil
            {
                models[key.stringValue] = price
            }
        }
        guard !models.isEmpty else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription:
                        "no entry carries a token price (expected {\"models\": {NAME: {\"input_cost_per_token\": …}}} or LiteLLM's map)"
                ))
        }
        try Self.check(models, in: [])
        self.init(version: "litellm", models: models)
    }

    /// Refuses a negative or non-finite price, naming the model and field.
    static func check(_ models: [String: ModelPrice], in path: [any CodingKey]) throws {
        for (name, price) in models.sorted(by: { $0.key < $1.key }) {
            let fields: [(ModelPrice.CodingKeys, Double?)] = [
                (.inputCostPerToken, price.inputCostPerToken), (.outputCostPerToken, price.outputCostPerToken),
                (.cacheReadInputTokenCost, price.cacheReadInputTokenCost),
                (.cacheCreationInputTokenCost, price.cacheCreationInputTokenCost),
                (.cacheCreationInputTokenCostAbove1hr, price.cacheCreationInputTokenCostAbove1hr),
                (.outputCostPerReasoningToken, price.outputCostPerReasoningToken),
                (.inputCostPerTokenAbove200k, price.inputCostPerTokenAbove200k),
                (.outputCostPerTokenAbove200k, price.outputCostPerTokenAbove200k),
                (.cacheReadInputTokenCostAbove200k, price.cacheReadInputTokenCostAbove200k),
                (.cacheCreationInputTokenCostAbove200k, price.cacheCreationInputTokenCostAbove200k),
            ]
            for (key, value) in fields {
                guard let value, !value.isFinite || value < 0 else { continue }
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: path + [NameKey(stringValue: name), key],
                        debugDescription: "expected a price of 0 or more US dollars per token, found \(value)"))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        var modelsContainer = c.nestedContainer(keyedBy: NameKey.self, forKey: .models)
        for (name, price) in models.sorted(by: { $0.key < $1.key }) {
            try modelsContainer.encode(price, forKey: NameKey(stringValue: name))
        }
        var toolsContainer = c.nestedContainer(keyedBy: NameKey.self, forKey: .tools)
        for (name, price) in tools.sorted(by: { $0.key < $1.key }) {
            try toolsContainer.encode(price, forKey: NameKey(stringValue: name))
        }
    }

    /// Reads a price file (JSON); errors name the file and field.
    public static func load(from url: URL) throws(PricingError) -> PriceTable {
        let data: Data
        // LiteLLM's whole table is about 1 MB; 64 MiB leaves room and bounds a wrong file.
        do { data = try InputFile.read(url, limit: 64 << 20) } catch {
            throw .cannotRead(path: url.path, reason: error.reason)
        }
        do {
            return try JSONDecoder().decode(PriceTable.self, from: data)
        } catch {
            throw .malformed(path: url.path, reason: DecodingProblem.describe(error, in: data))
        }
    }

    /// Writes the table as pretty-printed JSON with sorted keys.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: url)
    }
}

struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Errors loading a price table.
public struct PricingError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotRead(path: String, reason: String)
        case malformed(path: String, reason: String)
    }
    private let code: Code

    /// The price file at `path` could not be read; `reason` says why.
    public static func cannotRead(path: String, reason: String) -> PricingError {
        PricingError(code: .cannotRead(path: path, reason: reason))
    }
    /// The file at `path` is neither a LiteLLM price map nor an AgentPerf price table; `reason` is the decoding error.
    public static func malformed(path: String, reason: String) -> PricingError {
        PricingError(code: .malformed(path: path, reason: reason))
    }

    public var description: String {
        switch code {
        case .cannotRead(let path, let reason): "cannot read price table \(path): \(reason)"
        case .malformed(let path, let reason):
            "price table \(path) is not a LiteLLM-style price map or an AgentPerf price table: \(reason)"
        }
    }
}
