import Foundation

/// How a model-driven agent tells the built-in simulated fleet what to answer.
///
/// The fleet has no model; to exercise the model-driven loop end to end it follows a script of
/// turns the workload gives (`simulate:`), carried in the system prompt between two markers.
/// Turn *i* answers the request whose conversation holds *i* assistant messages:
/// `{"call": TOOL, "arguments": {...}}` is a tool call, `{"answer": TEXT}` a final answer,
/// either with an optional `"output_tokens"` of extra generated text before it. Real backends
/// never see the markers: the agent loop adds them only for tiers served by the fleet.
public enum SimulationScript {
    public static let open = "<agentperf-simulate>"
    public static let close = "</agentperf-simulate>"

    /// The marker text to append to a system prompt.
    public static func marker(_ turns: [JSONValue]) -> String {
        "\n\(open)\(JSONValue.array(turns).jsonText)\(close)"
    }

    /// The turns in `text`, or `nil` when it carries no script.
    public static func turns(in text: String) -> [JSONValue]? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex),
            case .array(let turns)? = JSONValue(parsing: String(text[start.upperBound..<end.lowerBound]))
        else { return nil }
        return turns
    }
}
