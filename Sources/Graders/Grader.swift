package import Foundation
import SpecDecoding
import Tools
import WireFormats
package import Workload

/// One grader's verdict.
package struct GradeResult: Sendable, Hashable {
    package var axis: String
    package var passed: Bool
    /// 0…1 (1 or 0 for pass/fail checks).
    package var score: Double
    package var decides: Bool
    /// Why, in a few words (for logs; never in traces).
    package var detail: String

    package init(axis: String, passed: Bool, score: Double? = nil, decides: Bool, detail: String) {
        self.axis = axis
        self.passed = passed
        self.score = score ?? (passed ? 1 : 0)
        self.decides = decides
        self.detail = detail
    }
}

/// The checks that need no model: on the final answer, or a command in the attempt's working
/// directory. The LLM judge is run by the agent loop (its tokens are steps of the attempt) and
/// read back with `JudgePrompt`.
package enum Grader {
    /// Grades `answer` with a check other than `judge` (which returns `nil` here).
    package static func grade(_ spec: GraderSpec, answer: String, workingDirectory: URL?) async -> GradeResult? {
        func result(_ passed: Bool, _ detail: String) -> GradeResult {
            GradeResult(axis: spec.axis, passed: passed, decides: spec.decides, detail: detail)
        }
        let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        switch spec.check {
        case .exact(let expected, let caseSensitive):
            let equal = caseSensitive ? trimmed == expected : trimmed.lowercased() == expected.lowercased()
            return result(equal, equal ? "exact match" : "expected exactly \(expected)")
        case .contains(let expected, let caseSensitive):
            let found = caseSensitive ? answer.contains(expected) : answer.lowercased().contains(expected.lowercased())
            return result(found, found ? "contains \(expected)" : "does not contain \(expected)")
        case .regex(let pattern):
            guard let regex = try? Regex(pattern) else { return result(false, "invalid pattern") }
            let found = (try? regex.firstMatch(in: answer)) != nil
            return result(found, found ? "matches" : "no match for \(pattern)")
        case .numeric(let expected, let tolerance):
            guard let number = lastNumber(in: answer) else { return result(false, "no number in the answer") }
            let close = abs(number - expected) <= tolerance
            return result(
                close, close ? "\(number) within \(tolerance) of \(expected)" : "\(number) is not \(expected) ± \(tolerance)")
        case .jsonField(let path, let expected):
            guard let document = firstJSONObject(in: answer) else { return result(false, "no JSON object in the answer") }
            let found = field(path, in: document)
            return result(found == expected, found == nil ? "no field \(path)" : "\(path) = \(found!.jsonText)")
        case .command(let argv, let timeout):
            let run = await ToolRunner.runCommand(argv, in: workingDirectory, timeout: timeout.duration)
            if let error = run.errorType { return result(false, "\(argv[0]): \(error)") }
            return result(run.exitStatus == 0, "\(argv[0]) exited \(run.exitStatus ?? -1)")
        case .judge:
            return nil
        }
    }

    /// The last decimal number in `text` (`-1,234.5` → -1234.5; thousands separators allowed):
    /// answers state their result last ("6 × 7 = 42"), as Inspect's numeric match assumes.
    static func lastNumber(in text: String) -> Double? {
        guard let match = text.matches(of: /-?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?/).last else { return nil }
        return Double(String(match.output.0).replacingOccurrences(of: ",", with: ""))
    }

    /// The answer as JSON, or the first `{…}` in it (models wrap JSON in prose or code fences).
    static func firstJSONObject(in text: String) -> JSONValue? {
        if let whole = JSONValue(parsing: text), case .object = whole { return whole }
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else { return nil }
        return JSONValue(parsing: String(text[start...end]))
    }

    /// The value at a dotted path (`result.items.0.name`; numbers index arrays).
    static func field(_ path: String, in value: JSONValue) -> JSONValue? {
        var current: JSONValue? = value
        for part in path.split(separator: ".") {
            switch current {
            case .object(let fields)?: current = fields[String(part)]
            case .array(let items)?: current = Int(part).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return current
    }
}

/// The LLM judge's prompt and how its verdict is read.
package enum JudgePrompt {
    /// How long one judge call may take, retries included.
    package static let timeLimit: Duration = .seconds(300)

    package static let system = """
        You grade an AI agent's final answer against a rubric. Think briefly, then end with a last \
        line that is exactly VERDICT: PASS or VERDICT: FAIL.
        """

    package static func user(task: String, answer: String, rubric: String) -> String {
        "Task given to the agent:\n\(task)\n\nRubric:\n\(rubric)\n\nThe agent's final answer:\n\(answer)"
    }

    /// PASS / FAIL from the judge's reply (the last `VERDICT:` line, else a lone PASS or FAIL);
    /// `nil` when it gave none, which grades as a fail.
    package static func verdict(_ reply: String) -> Bool? {
        let upper = reply.uppercased()
        if let range = upper.range(of: "VERDICT:", options: .backwards) {
            let rest = upper[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            if rest.hasPrefix("PASS") { return true }
            if rest.hasPrefix("FAIL") { return false }
        }
        let words = upper.split { !$0.isLetter }
        switch (words.contains("PASS"), words.contains("FAIL")) {
        case (true, false): return true
        case (false, true): return false
        default: return nil
        }
    }
}
