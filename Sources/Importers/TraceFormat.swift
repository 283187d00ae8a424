package import Foundation
package import Traces
import WireFormats

/// The trace formats AgentPerf reads, detected from a file's name and first bytes.
package enum TraceFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case agentperf
    case claudeCode = "claude-code"
    case otlp
    case inspect
    case inspectEval = "inspect-eval"
    case openhands
    case sweAgent = "swe-agent"
    case tauBench = "tau-bench"
    case codex
    case geminiCLI = "gemini-cli"

    package var description: String { rawValue }

    /// Extensions worth opening when a directory is given.
    package static let candidateExtensions: Set<String> = ["jsonl", "json", "eval", "traj"]

    /// The format of `url`, or `nil` when nothing matches.
    package static func detect(_ url: URL) -> TraceFormat? {
        switch url.pathExtension.lowercased() {
        case "eval": return .inspectEval
        case "traj": return .sweAgent
        default: break
        }
        guard let handle = try? FileHandle(forReadingFrom: url),
            let data = try? handle.read(upToCount: 65_536)
        else { return nil }
        try? handle.close()
        let head = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let firstLine = head.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? head
        if CanonicalImporter.sniff(firstLine) { return .agentperf }
        if CodexImporter.sniff(firstLine) { return .codex }
        // Before Claude Code, whose records carry `sessionId` too (never `projectHash`); by the
        // top-level keys, so a trajectory that merely mentions both words is not taken for one.
        if GeminiCLIImporter.sniff(firstLine) { return .geminiCLI }
        if url.pathExtension.lowercased() == "json", head.contains("\"projectHash\""),
            fromTopLevelKeys(of: url) == .geminiCLI
        {
            return .geminiCLI
        }
        if ClaudeCodeImporter.sniff(firstLine) || (url.pathExtension == "jsonl" && ClaudeCodeImporter.sniff(head)) {
            return .claudeCode
        }
        if OTLPImporter.sniff(head) { return .otlp }
        if TauBenchImporter.sniffTau2(head) || TauBenchImporter.sniffTau1(head) { return .tauBench }
        if InspectImporter.sniffJSON(head) { return .inspect }
        if OpenHandsImporter.sniff(head) { return .openhands }
        if SWEAgentImporter.sniff(head) { return .sweAgent }
        // A JSON object whose telling key comes after the first 64 KiB (a τ²-bench results file
        // puts `simulations` after its whole `tasks` array): read its top-level keys.
        if head.hasPrefix("{"), data.count == 65_536 { return fromTopLevelKeys(of: url) }
        return nil
    }

    /// The format of a JSON object file by its top-level keys, skipping every value; the file is
    /// memory-mapped, so its size does not become resident memory.
    static func fromTopLevelKeys(of url: URL) -> TraceFormat? {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped),
            let keys = data.withUnsafeBytes({ raw in
                raw.withMemoryRebound(to: UInt8.self) { JSONReader.topLevelKeys($0) }
            })
        else { return nil }
        let present = Set(keys)
        if present.isSuperset(of: ["sessionId", "projectHash", "messages"]) { return .geminiCLI }
        if present.contains("simulations") { return .tauBench }
        if present.contains("resourceSpans") { return .otlp }
        if present.contains("eval"), !present.isDisjoint(with: ["samples", "plan", "results"]) { return .inspect }
        if present.contains("trajectory") { return .sweAgent }
        return nil
    }

    /// Reads `url` as this format into `sink`.
    package func read(_ url: URL, into sink: inout some TraceSink) throws {
        switch self {
        case .agentperf: try CanonicalImporter.read(url, into: &sink)
        case .claudeCode: try ClaudeCodeImporter.read(url, into: &sink)
        case .otlp: try OTLPImporter.read(url, into: &sink)
        case .inspect: try InspectImporter.readJSON(url, into: &sink)
        case .inspectEval: try InspectImporter.readArchive(url, into: &sink)
        case .openhands: try OpenHandsImporter.read(url, into: &sink)
        case .sweAgent: try SWEAgentImporter.read(url, into: &sink)
        case .tauBench: try TauBenchImporter.read(url, into: &sink)
        case .codex: try CodexImporter.read(url, into: &sink)
        case .geminiCLI: try GeminiCLIImporter.read(url, into: &sink)
        }
    }

    /// The most read from standard input (`-` or `/dev/stdin`).
    static let standardInputLimit = 4 << 30

    /// Files under `paths` (directories are walked; hidden files and anything but regular files
    /// skipped), sorted; a named FIFO or device is refused, standard input spooled to a file.
    package static func files(in paths: [URL]) throws -> [URL] {
        var found: [URL] = []
        for path in paths {
            // Named as `-` (relative: `URL(fileURLWithPath: "-")` is `./-`) or `/dev/stdin`.
            if InputFile.isStandardInput(path.relativePath) || InputFile.isStandardInput(path.path) {
                do { found.append(try InputFile.spoolStandardInput(limit: standardInputLimit)) } catch {
                    throw ImportError.cannotRead(path: "standard input", reason: error.reason)
                }
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw ImportError.cannotRead(path: path.path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                if let refusal = InputFile.refusal(path) {
                    throw ImportError.cannotRead(path: path.path, reason: refusal.reason)
                } else {
                    found.append(path)
                }
                continue
            }
            let enumerator = FileManager.default.enumerator(
                at: path, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            while let url = enumerator?.nextObject() as? URL {
                if candidateExtensions.contains(url.pathExtension.lowercased()),
                    (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
                {
                    found.append(url)
                }
            }
        }
        return found.sorted { $0.path < $1.path }
    }
}
