import Foundation
public import SpecDecoding

/// How long a simulated tool takes.
public enum LatencyDistribution: Sendable, Hashable {
    case fixed(DurationSpec)
    case uniform(DurationSpec, DurationSpec)
    case exponential(mean: DurationSpec)
    /// Log-normal with the given median and 95th percentile.
    case lognormal(median: DurationSpec, p95: DurationSpec)

    /// Draws one latency.
    public func sample(using generator: inout SeededGenerator) -> Duration {
        let seconds: Double
        switch self {
        case .fixed(let value):
            seconds = value.seconds
        case .uniform(let low, let high):
            seconds = low.seconds + (high.seconds - low.seconds) * generator.nextUnit()
        case .exponential(let mean):
            seconds = -mean.seconds * log1p(-generator.nextUnit())
        case .lognormal(let median, let p95):
            // p95 = median · e^(1.6449σ)
            seconds = median.seconds * exp(Self.sigma(median: median, p95: p95) * Self.standardNormal(&generator))
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// The distribution's mean in seconds.
    public var meanSeconds: Double {
        switch self {
        case .fixed(let value): value.seconds
        case .uniform(let low, let high): (low.seconds + high.seconds) / 2
        case .exponential(let mean): mean.seconds
        case .lognormal(let median, let p95):
            median.seconds * exp(0.5 * Self.sigma(median: median, p95: p95) * Self.sigma(median: median, p95: p95))
        }
    }

    /// σ of the underlying normal: p95 = median · e^(1.6449·σ).
    private static func sigma(median: DurationSpec, p95: DurationSpec) -> Double {
        log(p95.seconds / median.seconds) / 1.6448536269514722
    }

    /// Box–Muller.
    private static func standardNormal(_ generator: inout SeededGenerator) -> Double {
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        let u2 = generator.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

extension LatencyDistribution: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case fixed, uniform, exponential, lognormal }
    enum MeanKeys: String, CodingKey, CaseIterable { case mean }
    enum LognormalKeys: String, CodingKey, CaseIterable { case median, p95 }

    public init(from decoder: any Decoder) throws {
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

    public func encode(to encoder: any Encoder) throws {
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

/// A tool an agent can call: simulated (it waits a drawn latency and returns a result of a
/// given size) or real (a command run with argv, never through a shell).
public struct ToolSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case simulated(latency: LatencyDistribution, resultTokens: TokenCount)
        /// argv[0] is looked up on PATH; the output becomes the tool result.
        case command(argv: [String], timeout: DurationSpec)
    }

    public var kind: Kind
    /// Price of one call in US dollars, added to the attempt's cost.
    public var costPerCall: Double?
    /// Simulated failure rate: the share of calls that fail (0…1).
    public var failureRate: Double

    public init(kind: Kind, costPerCall: Double? = nil, failureRate: Double = 0) {
        self.kind = kind
        self.costPerCall = costPerCall
        self.failureRate = failureRate
    }
}

extension ToolSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case latency, resultTokens = "result_tokens", command, timeout, costPerCall = "cost_per_call"
        case failureRate = "failure_rate"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let latency = try c.decodeIfPresent(LatencyDistribution.self, forKey: .latency)
        let command = try c.decodeIfPresent([String].self, forKey: .command)
        switch (latency, command) {
        case (let latency?, nil):
            try c.require(!c.contains(.timeout), .timeout, "timeout applies to command tools only")
            self.init(
                kind: .simulated(
                    latency: latency,
                    resultTokens: try c.decodeIfPresent(TokenCount.self, forKey: .resultTokens) ?? TokenCount(100)))
        case (nil, let argv?):
            try c.require(
                !argv.isEmpty && !argv[0].isEmpty, .command, "expected a non-empty argument list, like [\"pytest\", \"-q\"]")
            try c.require(
                !c.contains(.resultTokens), .resultTokens,
                "a command tool's result is its output; result_tokens applies to simulated tools")
            self.init(
                kind: .command(
                    argv: argv, timeout: try c.decodeIfPresent(DurationSpec.self, forKey: .timeout) ?? DurationSpec(.seconds(60)))
            )
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a tool needs exactly one of latency (simulated) or command (real)"))
        }
        costPerCall = try c.decodeIfPresent(Double.self, forKey: .costPerCall)
        try c.require((costPerCall ?? 0) >= 0, .costPerCall, "expected a price of at least 0")
        failureRate = try c.decodeIfPresent(Double.self, forKey: .failureRate) ?? 0
        try c.require((0...1).contains(failureRate), .failureRate, "expected a fraction from 0 to 1")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch kind {
        case .simulated(let latency, let tokens):
            try c.encode(latency, forKey: .latency)
            try c.encode(tokens, forKey: .resultTokens)
        case .command(let argv, let timeout):
            try c.encode(argv, forKey: .command)
            try c.encode(timeout, forKey: .timeout)
        }
        try c.encodeIfPresent(costPerCall, forKey: .costPerCall)
        if failureRate > 0 { try c.encode(failureRate, forKey: .failureRate) }
    }
}
