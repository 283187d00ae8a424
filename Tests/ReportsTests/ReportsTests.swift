import Foundation
import Recorder
import Reports
import Testing
import Traces

@Suite struct FormatTests {
    @Test("seconds take the unit that fits; absent values are a dash, never 0")
    func seconds() {
        #expect(Format.seconds(nil) == "–")
        #expect(Format.seconds(0.000_85) == "850 µs")
        #expect(Format.seconds(0.0123) == "12.3 ms")
        #expect(Format.seconds(2.414) == "2.41 s")
        #expect(Format.seconds(185) == "3m 05s")
        #expect(Format.seconds(.infinity) == "∞")
    }

    @Test("dollars, percentages, rates and counts keep three significant digits")
    func others() {
        #expect(Format.dollars(nil) == "–" && Format.dollars(0.012_34) == "$0.0123" && Format.dollars(1204) == "$1,204")
        #expect(Format.percent(0.834) == "83%" && Format.percent(0.045) == "4.5%" && Format.percent(.nan) == "–")
        #expect(Format.rate(12.44) == "12.4" && Format.rate(nil) == "–")
        #expect(Format.count(812) == "812" && Format.count(34_500) == "34.5k" && Format.count(1_200_000) == "1.20M")
        // Thousands grouped alike in counts and rates (issue 14, item 13: `5,135` beside `2628`).
        #expect(Format.count(2628) == "2,628" && Format.rate(5135) == "5,135")
    }
}

@Suite struct ColumnBlocksTests {
    @Test("columns that do not fit 120 characters wrap into blocks, each with the labels; every line fits")
    func wraps() {
        var table = ColumnBlocks(titles: (1...9).map { "variant-\($0) c=64" })
        table.rows = [
            .section("Task latency"),
            .values("  p50", (1...9).map { "\($0).00 s / 12.0 s" }),
            .values("  samples", (1...9).map { "\($0 * 100)" }),
        ]
        let text = table.render(width: 120)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 120 })
        #expect(lines.filter { $0.hasPrefix("Task latency") }.count > 1, "each block repeats the rows")
        for n in 1...9 { #expect(text.contains("variant-\(n) c=64")) }
        var narrow = ColumnBlocks(titles: ["c=1", "c=16"])
        narrow.rows = [.values("p50", ["1 s", "2 s"])]
        #expect(!narrow.render().contains("\n\n"), "a table that fits is one block")
    }

    @Test("long group labels keep their ends, so two sessions of one workload stay apart")
    func labels() {
        let a = FamilyTable.shortened("agent-mix · run-20261201T200012-36008")
        let b = FamilyTable.shortened("agent-mix · run-20261201T200130-19274")
        #expect(a != b && a.count == 28 && a.contains("…"))
        #expect(FamilyTable.shortened("short") == "short")
    }
}

@Suite struct ProgressDisplayTests {
    @Test("a level's start, status and end read as sentences with its level and counts")
    func lines() {
        var display = ProgressDisplay()
        let start = ContinuousClock.now
        let opening = display.apply(
            .levelStarted(
                LevelAnnouncement(
                    level: .concurrency(16), index: 1, count: 3, warmupSeconds: 2, warmupAttempts: nil, measuredSeconds: 10,
                    measuredAttempts: nil)), at: start)
        #expect(opening == "level 2/3: concurrency 16, 2.00 s warm-up, then 10.0 s measured")
        for outcome in [Outcome.passed, .failed, .error] {
            _ = display.apply(
                .attemptRecorded(
                    AttemptSummary(level: .concurrency(16), isWarmup: false, outcome: outcome, steps: 4, latency: 1)),
                at: start)
        }
        _ = display.apply(
            .attemptRecorded(AttemptSummary(level: .concurrency(16), isWarmup: true, outcome: .passed, steps: 2, latency: 1)),
            at: start)
        let status = display.statusLine(at: start + .seconds(3))
        #expect(status == "c=16 [2/3] 3.00 s of 12.0 s + drain · attempts 3 + 1 warm-up · passed 1 · errors 1 · steps 14")
        let closing = display.apply(.levelFinished(level: .concurrency(16), interrupted: true), at: start + .seconds(13))
        #expect(
            closing
                == "level 2/3 done: concurrency 16, 3 measured attempts (1 passed, 1 errors or timeouts) in 13.0 s — interrupted")
    }
}
