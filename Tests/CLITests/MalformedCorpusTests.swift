import Foundation
import TestSupport
import Testing

/// The malformed-input corpus (Tests/Fixtures/malformed, written by
/// scripts/make-malformed-corpus.py) through the real binary: every reader refuses bad input with
/// exit 2 and names the file with a line or field; none crashes; none holds more than 512 MiB.
@Suite(.busy) struct MalformedCorpusTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var arguments: [String]
        var mentions: [String]
        var status: Int32
        var testDescription: String { file }
    }

    static let root = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/malformed")

    struct Manifest: Decodable { var cases: [Case] }

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: root.appendingPathComponent("manifest.json")),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.cases
    }()

    @Test("the corpus is there and covers every reader")
    func corpusPresent() {
        let readers = Set(Self.cases.map { $0.file.split(separator: "/").first.map(String.init) ?? "" })
        #expect(
            readers.isSuperset(of: [
                "workload", "fleet", "prices", "agentperf", "claude-code", "codex", "gemini-cli", "otlp", "inspect",
                "inspect-eval", "openhands", "swe-agent", "tau-bench",
            ]), "\(readers.sorted())")
    }

    @Test("each malformed input is refused clearly, without a crash, in bounded memory", arguments: cases)
    func refused(_ input: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = Self.root.appendingPathComponent(input.file)
        let arguments = input.arguments.map {
            $0.replacingOccurrences(of: "{file}", with: file.path)
                .replacingOccurrences(of: "{dir}", with: file.deletingLastPathComponent().path)
                .replacingOccurrences(of: "{out}", with: directory.file("out").path)
        }
        let result = try Subprocesses.runMeasured(AgentPerfBinary.url, arguments)
        #expect(result.signal == nil, "crashed with signal \(result.signal ?? 0): \(result.output.stderr.prefix(600))")
        #expect(result.output.status == input.status, "\(result.output.stderr.prefix(600))")
        for mention in input.mentions {
            #expect(result.output.stderr.contains(mention), "stderr lacks \"\(mention)\": \(result.output.stderr.prefix(600))")
        }
        #expect(result.peakKiB < 512 * 1024, "peak RSS \(result.peakKiB) KiB")
    }
}
