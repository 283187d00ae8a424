import Diagnosis
import Foundation
import Importers
import Pricing
import TestSupport
import Testing
import Traces

/// The cache rules on a real Claude Code session (Tests/Fixtures/real/claude-code, from
/// DRMacIver/claude-reliability; provenance in its README).
@Suite struct ClaudeCodeCacheTests {
    @Test("cache-read share and writes read within their TTL, as computed by hand from the session")
    func coverageTestFix() throws {
        var sink = CollectingSink()
        try TraceFormat.claudeCode.read(Fixtures.real("claude-code/claude-reliability__coverage-test-fix.jsonl"), into: &sink)
        let report = Diagnosis.run(DiagnosisInput(log: sink.log, prices: .bundled))
        // By hand, from the 14 deduplicated assistant messages (one lineage): cache reads
        // 15289 + 18546 + 18753 + 19275 + 20321 + 20548 + 20897 + 21168 + 21367 + 21666 + 21793
        // + 22000 + 22345 + 22628 = 286596; writes 3257 + 207 + 522 + 1046 + 227 + 349 + 271 + 199
        // + 299 + 127 + 207 + 345 + 283 + 271 = 7610; uncached input 9; output 158.
        // Share = 286596 ÷ (286596 + 7610 + 9 + 158) = 0.97358…
        let share = try #require(report.cache.readShare)
        #expect(abs(share - 286_596.0 / 294_373.0) < 1e-9)
        // Every message wrote; the 13 before the last are each read by the next one, seconds
        // later (its cache read exceeds theirs); the last is not judged.
        #expect(report.cache.writes == 13)
        #expect(report.cache.readWithinTTL == 13)
        #expect(report.clear.contains(.cacheMisuse))
        #expect(report.unassessable.contains { $0.mode == .overRouting && $0.needs.contains("--variants") })
    }
}
