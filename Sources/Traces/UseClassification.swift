/// Guesses a step's use class from a tool's name (and command, for shells), for sources that do
/// not record one. Heuristic by nature; the rules are listed in docs/IMPORTERS.md.
package enum UseClassification {
    private static let delegateNames = ["task", "agent", "delegate", "dispatch", "spawn"].map { Array($0.utf8) }
    private static let verifyWords = ["pytest", "test", "verify", "check", "lint", "validate", "assert"].map { Array($0.utf8) }
    private static let readWords = [
        "read", "view", "open", "cat ", "grep", "glob", "search", "find", "ls", "list", "browse", "fetch", "get",
        "lookup", "query", "retriev", "scroll", "goto", "web_browser",
    ].map { Array($0.utf8) }
    private static let memory = Array("memory".utf8), todo = Array("todo".utf8), plan = Array("plan".utf8)

    package static func forTool(named name: String, command: String? = nil) -> UseClass {
        let lower = Array(name.lowercased().utf8)
        let commandBytes = command.map { Array($0.lowercased().utf8) } ?? []
        if delegateNames.contains(where: { lower == $0 || lower.starts(with: $0 + [0x5F]) }) { return .delegate }
        if contains(lower, memory) { return .memory }
        if contains(lower, todo) || contains(lower, plan) || name.lowercased() == "think" { return .plan }
        if verifyWords.contains(where: { contains(lower, $0) || contains(commandBytes, $0) }) { return .verify }
        if readWords.contains(where: { contains(lower, $0) }) { return .read }
        if command != nil, readWords.contains(where: { commandBytes.starts(with: $0) }) { return .read }
        return .act
    }

    /// Whether `needle` occurs in `haystack`. Hand-written over bytes: `String.contains` builds a
    /// searcher on every call, which made classification most of an import's time.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count, let first = needle.first else { return needle.isEmpty }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first, haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
