import Testing

@testable import SimulatedFleet

/// SPEC §7: iteration times must stay within ±20% of Vidur's profiled references.
@Suite struct IterationTimeModelTests {
    struct Reference: Sendable, CustomTestStringConvertible {
        var model: ModelArchitecture
        var hardware: Hardware
        var tensorParallel: Int
        var tokens: Int
        var milliseconds: Double
        var testDescription: String { "\(model.id) TP\(tensorParallel) on \(hardware.id), \(tokens) tokens" }
    }

    static let references: [Reference] = [
        Reference(model: .llama2_7B, hardware: .h100SXM, tensorParallel: 1, tokens: 1, milliseconds: 5.6),
        Reference(model: .llama2_7B, hardware: .h100SXM, tensorParallel: 1, tokens: 512, milliseconds: 12.0),
        Reference(model: .llama2_7B, hardware: .h100SXM, tensorParallel: 1, tokens: 4096, milliseconds: 83.5),
        Reference(model: .llama2_70B, hardware: .h100SXM, tensorParallel: 4, tokens: 1, milliseconds: 14.3),
        Reference(model: .llama2_70B, hardware: .h100SXM, tensorParallel: 4, tokens: 512, milliseconds: 30.0),
        Reference(model: .llama2_70B, hardware: .h100SXM, tensorParallel: 4, tokens: 4096, milliseconds: 222.8),
        Reference(model: .llama3_8B, hardware: .a100SXM80, tensorParallel: 1, tokens: 1, milliseconds: 9.7),
        Reference(model: .llama3_8B, hardware: .a100SXM80, tensorParallel: 1, tokens: 512, milliseconds: 34.6),
        Reference(model: .llama3_8B, hardware: .a100SXM80, tensorParallel: 1, tokens: 4096, milliseconds: 273.6),
    ]

    @Test("iteration time of a single prefill stays within 20% of Vidur's profile", arguments: references)
    func matchesVidurWithinTolerance(reference: Reference) {
        let model = IterationTimeModel(
            model: reference.model, hardware: reference.hardware, tensorParallel: reference.tensorParallel)
        var work = IterationWork()
        work.add(queryTokens: reference.tokens, context: 0, samples: true, model: reference.model)
        let milliseconds = model.seconds(for: work) * 1000
        let error = abs(milliseconds - reference.milliseconds) / reference.milliseconds
        #expect(error <= 0.20, "model \(milliseconds) ms vs Vidur \(reference.milliseconds) ms (\(Int(error * 100))% off)")
    }

    @Test("decode time grows with the KV cache the batch reads")
    func decodeTimeGrowsWithContext() {
        let model = IterationTimeModel(model: .llama3_8B, hardware: .h100SXM)
        var short = IterationWork(), long = IterationWork()
        for _ in 0..<32 {
            short.add(queryTokens: 1, context: 100, samples: true, model: .llama3_8B)
            long.add(queryTokens: 1, context: 8000, samples: true, model: .llama3_8B)
        }
        #expect(model.seconds(for: long) > model.seconds(for: short) * 1.2)
    }

    @Test("KV capacity is memory left after weights divided by KV bytes per token")
    func kvCapacity() {
        let model = IterationTimeModel(model: .llama3_8B, hardware: .h100SXM)
        // KV bytes/token = 2 × 32 layers × 8 heads × 128 × 2 bytes = 131,072.
        #expect(ModelArchitecture.llama3_8B.kvBytesPerToken == 131_072)
        let expected = (80e9 * 0.9 - ModelArchitecture.llama3_8B.weightBytes) / 131_072
        #expect(model.kvCapacityTokens(memoryUtilization: 0.9) == Int(expected))
        // Llama-3-8B holds about 8.0e9 parameters.
        #expect(abs(ModelArchitecture.llama3_8B.weightBytes / 2 - 8.03e9) < 0.05e9)
    }
}
