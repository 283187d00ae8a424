package import Foundation

/// How AgentPerf writes JSON (summary.json, `--json`, analysis.json): stable key order, slashes
/// unescaped, infinities as "inf" (JSON has no infinity; error-adjusted percentiles can be one).
package enum JSONOutput {
    package static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}
