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
