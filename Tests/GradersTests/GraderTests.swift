import Foundation
import Graders
import SpecDecoding
import TestSupport
import Testing
import WireFormats
import Workload

@Suite struct GraderTests {
    static func grade(_ check: GraderSpec.Check, _ answer: String, in directory: URL? = nil) async -> Bool? {
        await Grader.grade(GraderSpec(check: check), answer: answer, workingDirectory: directory)?.passed
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var check: GraderSpec.Check
        var answer: String
        var passes: Bool
        var testDescription: String { "\(check) on \(answer.debugDescription) → \(passes)" }
    }

    static let cases: [Case] = [
        Case(check: .exact("Paris", caseSensitive: false), answer: "  paris\n", passes: true),
        Case(check: .exact("Paris", caseSensitive: true), answer: "paris", passes: false),
        Case(check: .exact("Paris", caseSensitive: false), answer: "Paris, France", passes: false),
        Case(check: .contains("paris", caseSensitive: false), answer: "It is Paris.", passes: true),
        Case(check: .contains("paris", caseSensitive: true), answer: "It is Paris.", passes: false),
        Case(check: .regex(#"^\d{4}-\d{2}-\d{2}$"#), answer: "2025-11-21", passes: true),
        Case(check: .regex(#"^\d{4}-\d{2}-\d{2}$"#), answer: "on 2025-11-21", passes: false),
        // The last number counts: answers state their result last.
        Case(check: .numeric(42, tolerance: 0), answer: "6 × 7 = 42.", passes: true),
        Case(check: .numeric(1234.5, tolerance: 0.01), answer: "Total: 1,234.5 USD", passes: true),
        Case(check: .numeric(-3, tolerance: 0.5), answer: "about -2.6", passes: true),
        Case(check: .numeric(42, tolerance: 0.5), answer: "41", passes: false),
        Case(check: .numeric(42, tolerance: 0.5), answer: "forty-two", passes: false),
        Case(check: .jsonField(path: "invoice.total", equals: 99.5), answer: #"{"invoice": {"total": 99.5}}"#, passes: true),
        Case(
            check: .jsonField(path: "items.1.sku", equals: "B"),
            answer: "Here you go:\n```json\n{\"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}]}\n```", passes: true),
        Case(check: .jsonField(path: "invoice.total", equals: 99.5), answer: #"{"invoice": {"total": "99.5"}}"#, passes: false),
        Case(check: .jsonField(path: "a", equals: 1), answer: "no json here", passes: false),
    ]

    @Test("answer checks", arguments: cases)
    func answerChecks(_ c: Case) async {
        #expect(await Self.grade(c.check, c.answer) == c.passes)
    }

    @Test("a command grader passes on exit 0 in the attempt's directory, fails otherwise or on timeout")
    func command() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("result.txt", "ok")
        #expect(
            await Self.grade(
                .command(argv: ["test", "-f", "result.txt"], timeout: DurationSpec(.seconds(10))), "", in: directory.url) == true)
        #expect(
            await Self.grade(
                .command(argv: ["test", "-f", "missing.txt"], timeout: DurationSpec(.seconds(10))), "", in: directory.url)
                == false)
        #expect(await Self.grade(.command(argv: ["sleep", "20"], timeout: DurationSpec(.milliseconds(100))), "") == false)
        #expect(await Self.grade(.command(argv: ["agentperf-no-such-grader"], timeout: DurationSpec(.seconds(5))), "") == false)
    }

    @Test("the judge is not graded here; its verdict is read from the last VERDICT line")
    func judge() async {
        #expect(await Self.grade(.judge(tier: "small", rubric: "r"), "x") == nil)
        #expect(JudgePrompt.verdict("Looks right.\nVERDICT: PASS") == true)
        #expect(JudgePrompt.verdict("VERDICT: PASS would be wrong here.\nVERDICT: fail") == false)
        #expect(JudgePrompt.verdict("**Pass**") == true)
        #expect(JudgePrompt.verdict("I cannot decide between pass and fail") == nil)
        #expect(JudgePrompt.verdict("") == nil)
    }

    @Test("a grader's axis defaults to its check's name; decides defaults to true")
    func axes() throws {
        let grader = GraderSpec(check: .numeric(1, tolerance: 0))
        #expect(grader.axis == "numeric" && grader.decides)
    }
}
