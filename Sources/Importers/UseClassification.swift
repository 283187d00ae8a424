public import Traces

/// Guesses a step's use class from a tool's name (and command, for shells), for sources that do
/// not record one. Heuristic by nature; the rules are listed in docs/IMPORTERS.md.
public enum UseClassification {
    public static func forTool(named name: String, command: String? = nil) -> UseClass {
        let lower = name.lowercased()
        let text = (lower + " " + (command ?? "").lowercased())
        if ["task", "agent", "delegate", "dispatch", "spawn"].contains(where: { lower == $0 || lower.hasPrefix($0 + "_") }) {
            return .delegate
        }
        if lower.contains("memory") { return .memory }
        if lower.contains("todo") || lower.contains("plan") || lower == "think" { return .plan }
        let verifyWords = ["pytest", "test", "verify", "check", "lint", "validate", "assert"]
        if verifyWords.contains(where: { text.contains($0) }) { return .verify }
        let readWords = [
            "read", "view", "open", "cat ", "grep", "glob", "search", "find", "ls", "list", "browse", "fetch", "get",
            "lookup", "query", "retriev", "scroll", "goto", "web_browser",
        ]
        if readWords.contains(where: { lower.contains($0) }) { return .read }
        if let command, readWords.contains(where: { command.lowercased().hasPrefix($0) }) { return .read }
        return .act
    }
}
