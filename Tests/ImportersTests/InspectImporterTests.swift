import Foundation
import Importers
import Pricing
import TestSupport
import Testing
import Traces
import ZIPFoundation

@Suite struct InspectImporterTests {
    static let browser = Fixtures.real("inspect/2025-05-12T20-27-36-04-00_browser.json")
    static let archive = Fixtures.real("inspect/2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.eval")
    static let miniPrices = PriceTable(
        version: "test",
        models: [
            "gpt-4o-mini": ModelPrice(inputCostPerToken: 1.5e-7, outputCostPerToken: 6e-7, cacheReadInputTokenCost: 7.5e-8)
        ])

    @Test("a JSON log (Inspect 0.3.95): raw provider usage splits cached tokens out of input_tokens")
    func browserLog() throws {
        var sink = CollectingSink()
        try InspectImporter.readJSON(Self.browser, into: &sink)
        #expect(sink.log.diagnostics.isEmpty)
        let attempt = try #require(sink.log.attempts.first)
        #expect(sink.log.attempts.count == 1)
        #expect(attempt.record.outcome == .passed && attempt.record.graderAxes == ["includes": 1])
        let chats = attempt.steps.filter { $0.operation == .chat }
        #expect(chats.count == 5)
        // Inspect's own total: 15,235 input tokens of which 9,088 cached.
        #expect(
            chats.compactMap(\.usage).reduce(TokenUsage(), +) == TokenUsage(uncachedInput: 6147, cacheRead: 9088, output: 281))
        let tools = attempt.steps.filter { $0.operation == .executeTool }
        #expect(
            tools.compactMap(\.toolName) == ["web_browser_go", "web_browser_click", "web_browser_click", "web_browser_click"])
        let seconds = tools.compactMap(\.latency).reduce(0) { $0 + Double($1) / 1e9 }
        #expect(abs(seconds - 9.860189) < 1e-6)
        let priced = attempt.steps.reduce(PricedUsage()) { $0 + Self.miniPrices.price($1) }
        #expect(abs(priced.cost.total - 0.00177225) < 1e-12)
        // The log names the alias (`openai/gpt-4o-mini`); each answer, the dated id that served it.
        #expect(chats.allSatisfy { $0.model == "gpt-4o-mini-2024-07-18" }, "\(chats.map(\.model))")
        #expect(priced.entries == ["gpt-4o-mini-2024-07-18": "gpt-4o-mini"], "the entry that priced it is recorded")
    }

    @Test("the most specific model name is kept: the answer's dated id for the request's alias, else the request's")
    func mostSpecificModel() {
        #expect(
            ModelNames.mostSpecific(request: "claude-sonnet-4-5", response: "claude-sonnet-4-5-20250929")
                == "claude-sonnet-4-5-20250929")
        #expect(
            ModelNames.mostSpecific(request: "openai/gpt-4o-mini", response: "gpt-4o-mini-2024-07-18") == "gpt-4o-mini-2024-07-18"
        )
        #expect(ModelNames.mostSpecific(request: "auto", response: "gpt-4o") == "auto", "a router's answer is not a refinement")
        #expect(ModelNames.mostSpecific(request: "gpt-4o", response: "gpt-4o-mini-2024-07-18") == "gpt-4o", "nor another model")
        #expect(ModelNames.mostSpecific(request: nil, response: "gpt-4o") == "gpt-4o")
        #expect(ModelNames.mostSpecific(request: "gpt-4o", response: nil) == "gpt-4o")
    }

    @Test("an .eval archive: one attempt per sample, ungraded when no scorer ran")
    func evalArchive() throws {
        var sink = CollectingSink()
        try InspectImporter.readArchive(Self.archive, into: &sink)
        #expect(sink.log.diagnostics.isEmpty)
        #expect(sink.log.attempts.count == 10)
        #expect(sink.log.attempts.allSatisfy { $0.record.outcome == .ungraded && $0.steps.count == 1 })
        let usage = sink.log.attempts.flatMap(\.steps).compactMap(\.usage).reduce(TokenUsage(), +)
        #expect(usage == TokenUsage(uncachedInput: 620, output: 20))
        #expect(Set(sink.log.attempts.map(\.record.attemptID)).count == 10)
    }

    @Test("a ZIP that is not an .eval, and a file that is not a ZIP, are rejected by name")
    func notAnArchive() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = directory.file("other.eval")
        let archive = try Archive(url: zip, accessMode: .create)
        try archive.addEntry(with: "readme.txt", type: .file, uncompressedSize: Int64(2), provider: { _, _ in Data("hi".utf8) })
        var sink = CollectingSink()
        #expect(throws: ImportError.self) { try InspectImporter.readArchive(zip, into: &sink) }
        let text = try directory.write("plain.eval", "not a zip")
        #expect(throws: ImportError.self) { try InspectImporter.readArchive(text, into: &sink) }
    }

    @Test("a corrupt sample inside an archive is an error naming the entry; the other samples import")
    func corruptSample() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let copy = directory.file("copy.eval")
        try FileManager.default.copyItem(at: Self.archive, to: copy)
        let archive = try Archive(url: copy, accessMode: .update)
        let bad = Data(#"{"id": 99, "events": [{"event": 3}]}"#.utf8)
        try archive.addEntry(
            with: "samples/99_epoch_1.json", type: .file, uncompressedSize: Int64(bad.count),
            provider: { position, size in
                bad.subdata(in: Int(position)..<Int(position) + size)
            })
        var sink = CollectingSink()
        try InspectImporter.readArchive(copy, into: &sink)
        #expect(sink.log.attempts.count == 10)
        #expect(sink.log.diagnostics.count == 1)
        #expect(sink.log.diagnostics.first?.file.hasSuffix("#samples/99_epoch_1.json") == true)
    }
}
