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

/// A short stable hash of some text (FNV-1a 64, hex), for `observation_hash`.
public enum ContentHash {
    public static func of(_ text: some StringProtocol) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
