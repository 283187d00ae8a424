/// Why a threshold expression could not be read, as a sentence that says what was expected.
public struct ThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// What is wrong and what was expected.
    public var message: String

    /// `threshold "…": message`.
    public var description: String { "threshold \"\(expression)\": \(message)" }
}

extension Threshold {
    /// The longest expression read; anything longer is refused before it is parsed.
    public static let maximumLength = 200

    /// Reads `METRIC[{level:L,variant:V}] OP BOUND`, where OP is `<`, `<=`, `>` or `>=` and BOUND
    /// is written in the metric's unit (`8s`, `800ms`, `0.7`, `70%`, `$0.02`). Spaces between
    /// the parts are allowed.
    public static func parse(_ expression: String) throws(ThresholdError) -> Threshold {
        func fail(_ message: String) -> ThresholdError { ThresholdError(expression: expression, message: message) }
        guard expression.utf8.count <= maximumLength else {
            throw fail("longer than \(maximumLength) characters")
        }
        guard let opStart = expression.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw fail("expected a comparison: METRIC<BOUND, <=, > or >= (like p95_task_latency<8s)")
        }
        var left = Substring(expression[..<opStart])
        var rest = expression[opStart...]
        let comparison: Comparison
        if rest.hasPrefix("<=") || rest.hasPrefix(">=") {
            comparison = rest.hasPrefix("<") ? .atMost : .atLeast
            rest = rest.dropFirst(2)
        } else {
            comparison = rest.hasPrefix("<") ? .below : .above
            rest = rest.dropFirst()
        }
        var level: String?
        var variant: String?
        if let brace = left.firstIndex(of: "{") {
            guard left.trimmingSpaces().hasSuffix("}") else {
                throw fail("a scope opened with { must end with } before the comparison")
            }
            let inside = left[left.index(after: brace)...].trimmingSpaces().dropLast()
            for tag in inside.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = tag.split(separator: ":", maxSplits: 1).map { String($0.trimmingSpaces()) }
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw fail("scope tag \"\(tag.trimmingSpaces())\": expected level:LABEL or variant:NAME")
                }
                switch parts[0] {
                case "level" where level == nil: level = parts[1]
                case "variant" where variant == nil: variant = parts[1]
                case "level", "variant": throw fail("scope names \(parts[0]) twice")
                default: throw fail("scope tag \"\(parts[0])\": expected level or variant")
                }
            }
            left = left[..<brace]
        }
        let name = String(left.trimmingSpaces())
        guard let metric = ThresholdMetric(name: name) else {
            throw fail(
                "unknown metric \"\(name)\"; expected one of \(ThresholdMetric.allCases.map(\.name).joined(separator: ", "))")
        }
        let bound = try readBound(rest.trimmingSpaces(), unit: metric.unit, fail: fail)
        var threshold = Threshold(metric: metric, comparison: comparison, bound: bound, level: level, variant: variant)
        threshold.expression = String(Substring(expression).trimmingSpaces())
        return threshold
    }

    /// The bound in the unit's base (seconds, a 0…1 share, dollars).
    private static func readBound(
        _ text: Substring, unit: ThresholdUnit, fail: (String) -> ThresholdError
    ) throws(ThresholdError) -> Double {
        var digits = text
        // Units below the base divide (800 / 1000, not 800 × 0.001) so that a bound printed back
        // reads as the same number.
        var scale = 1.0
        var divisor = 1.0
        var expected: String
        switch unit {
        case .seconds:
            expected = "a duration like 8s, 800ms or 2m"
            for (suffix, factor, below) in [("ms", 1.0, 1000.0), ("s", 1, 1), ("m", 60, 1), ("h", 3600, 1)]
            where digits.hasSuffix(suffix) {
                digits = digits.dropLast(suffix.count)
                scale = factor
                divisor = below
                break
            }
        case .share:
            expected = "a share like 0.7 or 70%"
            if digits.hasSuffix("%") {
                digits = digits.dropLast()
                divisor = 100
            }
        case .dollars:
            expected = "US dollars like 0.02 or $0.02"
            if digits.hasPrefix("$") { digits = digits.dropFirst() }
        case .perSecond, .count:
            expected = "a number like 12.5"
        }
        // Digits, one point, no sign or exponent: a bound is a plain non-negative decimal.
        let plain =
            !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && digits.count(of: ".") <= 1
        guard plain, digits.count <= 20, let number = Double(digits), number.isFinite else {
            throw fail("bound \"\(text)\": expected \(expected)")
        }
        let value = number * scale / divisor
        if unit == .share, value > 1 { throw fail("bound \"\(text)\": a share is at most 1 (100%)") }
        return value
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}

extension Substring {
    fileprivate func count(of character: Character) -> Int { self.reduce(0) { $0 + ($1 == character ? 1 : 0) } }
}
