import SimulatedFleet
import SpecDecoding
import Testing

@Suite struct FaultInjectionTests {
    @Test("each fault takes its share of requests, and the same seed faults the same requests")
    func shares() {
        let faults = FaultInjection(rateLimited: 0.1, serverError: 0.05, truncated: 0.02, malformed: 0.01, seed: 7)
        var counts: [FaultInjection.Fault?: Int] = [:]
        for n in 0..<100_000 { counts[faults.fault(forRequest: UInt64(n)), default: 0] += 1 }
        #expect(abs(Double(counts[.rateLimited] ?? 0) / 100_000 - 0.1) < 0.005)
        #expect(abs(Double(counts[.serverError] ?? 0) / 100_000 - 0.05) < 0.004)
        #expect(abs(Double(counts[.truncated] ?? 0) / 100_000 - 0.02) < 0.003)
        #expect(abs(Double(counts[.malformed] ?? 0) / 100_000 - 0.01) < 0.002)
        #expect((0..<500).map { faults.fault(forRequest: $0) } == (0..<500).map { faults.fault(forRequest: $0) })
        var other = faults
        other.seed = 8
        #expect((0..<500).map { faults.fault(forRequest: $0) } != (0..<500).map { other.fault(forRequest: $0) })
        #expect(FaultInjection().fault(forRequest: 3) == nil)
    }
}
