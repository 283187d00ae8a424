package import Foundation
package import Traces
import ZIPFoundation

/// Inspect AI evaluation logs: `.json` logs and `.eval` archives (a ZIP of `header.json` and one
/// `samples/<id>_epoch_<n>.json` per sample).
///
/// One attempt per sample and epoch; a model step per `model` event and a tool step per `tool`
/// event. Traps handled (docs/IMPORTERS.md):
/// - Before Inspect 0.3.184 `input_tokens` *included* cached tokens for some providers (OpenAI)
///   and not for others (Anthropic); from 0.3.184 it excludes them. The raw provider usage in
///   `events[].call.response.usage`, when logged, settles it; otherwise the version and the
///   model's provider prefix decide.
/// - Scores may be letters (C/I/P/N), numbers or booleans; every scorer is a grader axis and the
///   first one decides passed/failed.
/// - Times carry a zone offset; a model event's end is `completed`, else start + `output.time`.
package enum InspectImporter {
    package static let format = "inspect"

    package static func sniffJSON(_ head: String) -> Bool {
        head.contains("\"eval\"") && head.contains("\"version\"") && (head.contains("\"samples\"") || head.contains("\"plan\""))
    }

    /// Reads a `.json` log (memory grows with the file: it is one JSON document).
    package static func readJSON(_ url: URL, into sink: inout some TraceSink) throws {
        let data = try ImportError.readWhole(url)
        let log: Log
        do { log = try JSONDecoder().decode(Log.self, from: data) } catch {
            throw ImportError.notFormat(path: url.path, format: "Inspect log", reason: ImportError.describe(error, in: data))
        }
        var converter = Converter(path: url.path, eval: log.eval)
        for sample in log.samples ?? [] { try converter.emit(sample, into: &sink) }
    }

    /// Reads an `.eval` archive one sample entry at a time, each at most `entryLimit` bytes inflated.
    package static func readArchive(
        _ url: URL, into sink: inout some TraceSink, entryLimit: Int = ImportError.wholeDocumentLimit
    ) throws {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw ImportError.notFormat(path: url.path, format: "Inspect .eval", reason: "not a ZIP archive (\(error))")
        }
        guard let headerEntry = archive["header.json"] else {
            throw ImportError.notFormat(path: url.path, format: "Inspect .eval", reason: "the archive has no header.json")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: try extract(headerEntry, from: archive, limit: entryLimit))
        } catch let error as EntryTooLarge {
            throw ImportError.cannotRead(path: url.path, reason: error.description)
        } catch {
            throw ImportError.notFormat(
                path: url.path, format: "Inspect .eval", reason: "header.json: \(DecodingProblem.describe(error))")
        }
        var converter = Converter(path: url.path, eval: header.eval)
        let entries = archive.filter { $0.path.hasPrefix("samples/") && $0.path.hasSuffix(".json") }.sorted { $0.path < $1.path }
        for entry in entries {
            do {
                let sample = try JSONDecoder().decode(Sample.self, from: try extract(entry, from: archive, limit: entryLimit))
                try converter.emit(sample, into: &sink)
            } catch let error as EntryTooLarge {
                sink.diagnostic(
                    TraceDiagnostic(severity: .error, file: "\(url.path)#\(entry.path)", line: nil, message: error.description))
            } catch let error as DecodingError {
                sink.diagnostic(
                    TraceDiagnostic(
                        severity: .error, file: "\(url.path)#\(entry.path)", line: nil, message: DecodingProblem.describe(error)))
            }
        }
    }

    /// One entry, at most `limit` bytes once inflated. The size the
    /// archive declares is checked first, and the bytes as they inflate too (a crafted entry can
    /// declare a small size and expand to gigabytes).
    private static func extract(_ entry: Entry, from archive: Archive, limit: Int) throws -> Data {
        guard entry.uncompressedSize <= UInt64(limit) else { throw EntryTooLarge(path: entry.path, limit: limit) }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            guard data.count + chunk.count <= limit else { throw EntryTooLarge(path: entry.path, limit: limit) }
            data.append(chunk)
        }
        return data
    }

    /// An archive entry larger than the most read into memory.
    struct EntryTooLarge: Error, CustomStringConvertible {
        let path: String
        let limit: Int
        var description: String { "entry \(path) expands to more than \(InputFile.describe(limit)), the most read into memory" }
    }

    // MARK: Wire types (the fields used)

    struct Log: Decodable {
        var eval: Eval
        var samples: [Sample]?
    }

    struct Header: Decodable { var eval: Eval }

    struct Eval: Decodable {
        var task: String
        var model: String?
        var packages: [String: String]?
        var created: String?
    }

    struct Sample: Decodable {
        var id: FlexibleID
        var epoch: Int?
        var scores: [String: Score]?
        var events: [Event]?
        var error: SampleError?
    }

    struct Score: Decodable { var value: ScoreValue }
    struct SampleError: Decodable { var message: String? }

    /// One transcript event. Fields mean different things in different event types (a sandbox
    /// event's `output` is text, a model event's an object), so each is read leniently.
    struct Event: Decodable {
        var event: String
        var timestamp: String?
        var completed: String?
        var model: String?
        var output: Output?
        var call: Call?
        var function: String?
        var result: FlexibleText?
        var error: ToolError?

        enum CodingKeys: String, CodingKey {
            case event, timestamp, completed, model, output, call, function, result, error
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            event = try c.decode(String.self, forKey: .event)
            timestamp = try? c.decodeIfPresent(String.self, forKey: .timestamp)
            completed = try? c.decodeIfPresent(String.self, forKey: .completed)
            model = try? c.decodeIfPresent(String.self, forKey: .model)
            output = try? c.decodeIfPresent(Output.self, forKey: .output)
            call = try? c.decodeIfPresent(Call.self, forKey: .call)
            function = try? c.decodeIfPresent(String.self, forKey: .function)
            result = try? c.decodeIfPresent(FlexibleText.self, forKey: .result)
            error = try? c.decodeIfPresent(ToolError.self, forKey: .error)
        }
    }

    struct ToolError: Decodable { var type: String?; var message: String? }
    struct Output: Decodable {
        /// The model that answered, as the provider named it (often the dated id of an alias).
        var model: String?
        var usage: Usage?
        var time: Double?
        var choices: [Choice]?
        struct Choice: Decodable { var message: GeneratedMessage? }
    }

    struct Usage: Decodable {
        var inputTokens: Int
        var outputTokens: Int
        @BoundedTokenCount var inputTokensCacheRead: Int?
        @BoundedTokenCount var inputTokensCacheWrite: Int?
        @BoundedTokenCount var reasoningTokens: Int?
        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case inputTokensCacheRead = "input_tokens_cache_read", inputTokensCacheWrite = "input_tokens_cache_write"
            case reasoningTokens = "reasoning_tokens"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputTokens = try c.decodeRequiredTokenCount(forKey: .inputTokens)
            outputTokens = try c.decodeRequiredTokenCount(forKey: .outputTokens)
            _inputTokensCacheRead = try c.decode(BoundedTokenCount.self, forKey: .inputTokensCacheRead)
            _inputTokensCacheWrite = try c.decode(BoundedTokenCount.self, forKey: .inputTokensCacheWrite)
            _reasoningTokens = try c.decode(BoundedTokenCount.self, forKey: .reasoningTokens)
        }
    }

    struct Call: Decodable { var response: RawResponse? }
    struct RawResponse: Decodable { var usage: RawUsage? }

    /// The provider's own usage object (OpenAI or Anthropic shape).
    struct RawUsage: Decodable {
        @BoundedTokenCount var promptTokens: Int?
        @BoundedTokenCount var completionTokens: Int?
        var promptTokensDetails: Details?
        var completionTokensDetails: CompletionDetails?
        @BoundedTokenCount var inputTokens: Int?
        @BoundedTokenCount var outputTokens: Int?
        @BoundedTokenCount var cacheReadInputTokens: Int?
        @BoundedTokenCount var cacheCreationInputTokens: Int?
        struct Details: Decodable {
            @BoundedTokenCount var cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }
        struct CompletionDetails: Decodable {
            @BoundedTokenCount var reasoningTokens: Int?
            enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
        }
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details", completionTokensDetails = "completion_tokens_details"
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens", cacheCreationInputTokens = "cache_creation_input_tokens"
        }

        var tokenUsage: TokenUsage? {
            if let prompt = promptTokens, let completion = completionTokens {  // OpenAI: prompt includes cache
                return .inputIncludingCache(
                    input: prompt, cacheRead: promptTokensDetails?.cachedTokens ?? 0, output: completion,
                    reasoning: completionTokensDetails?.reasoningTokens ?? 0)
            }
            if let input = inputTokens, let output = outputTokens {  // Anthropic: input excludes cache
                return .inputExcludingCache(
                    input: input, cacheRead: cacheReadInputTokens ?? 0, cacheWrite: cacheCreationInputTokens ?? 0,
                    output: output)
            }
            return nil
        }
    }

    // MARK: Conversion

    struct Converter {
        let path: String
        let eval: Eval
        let runID: String
        /// True when `input_tokens` excludes cached tokens for every provider (0.3.184 and later).
        let normalizedUsage: Bool
        var origin: Int64?

        init(path: String, eval: Eval) {
            self.path = path
            self.eval = eval
            runID = importedRunID(path: path)
            normalizedUsage =
                Self.version(eval.packages?["inspect_ai"]).map { $0.lexicographicallyPrecedes([0, 3, 184]) == false } ?? true
        }

        static func version(_ text: String?) -> [Int]? {
            guard let text else { return nil }
            let numbers = text.split(separator: ".").prefix(3).map { Int($0.prefix { $0.isNumber }) ?? 0 }
            return numbers.count == 3 ? numbers : nil
        }

        mutating func time(_ text: String?) -> Int64? {
            guard let text, let ns = WallClock.nanoseconds(iso8601: text) else { return nil }
            return ns - (origin ?? ns)
        }

        mutating func emit(_ sample: Sample, into sink: inout some TraceSink) throws {
            if origin == nil {
                let first = sample.events?.lazy.compactMap { $0.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) } }.first
                let start = first ?? eval.created.flatMap { WallClock.nanoseconds(iso8601: $0) } ?? 0
                origin = start
                try sink.begin(
                    RunRecord(
                        runID: runID, startedAt: Date(timeIntervalSince1970: Double(start) / 1e9), agentperfVersion: "import",
                        workload: "\(InspectImporter.format): \(eval.task)"))
            }
            let attemptID = "\(sample.id)#\(sample.epoch ?? 1)"
            var index = 0
            var steps: [StepRecord] = []
            var start: Int64?
            var end: Int64?
            for event in sample.events ?? [] {
                let at = time(event.timestamp)
                if let at { start = min(start ?? at, at); end = max(end ?? at, at) }
                var stepEnd = time(event.completed)
                switch event.event {
                case "model":
                    if stepEnd == nil, let at, let seconds = event.output?.time { stepEnd = at + Int64(seconds * 1e9) }
                    steps.append(
                        StepRecord(
                            runID: runID, attemptID: attemptID, stepID: "s\(index)", agentName: eval.task, index: index,
                            operation: .chat, useClass: .act,
                            model: ModelNames.mostSpecific(request: event.model ?? eval.model, response: event.output?.model),
                            provider: event.model?.split(separator: "/").first.map(String.init), usage: usage(of: event),
                            timing: StepTiming(scheduled: at, sent: at, end: stepEnd),
                            outputHash: event.output?.choices?.first?.message?.hash))
                case "tool":
                    let name = event.function ?? "tool"
                    steps.append(
                        StepRecord(
                            runID: runID, attemptID: attemptID, stepID: "s\(index)", agentName: eval.task, index: index,
                            operation: .executeTool, useClass: UseClassification.forTool(named: name), toolName: name,
                            timing: StepTiming(scheduled: at, sent: at, end: stepEnd),
                            errorType: event.error.map { _ in StepErrorType.toolFailed },
                            observationHash: event.result.map { ContentHash.of($0.text) }))
                default:
                    continue
                }
                if let stepEnd { end = max(end ?? stepEnd, stepEnd) }
                index += 1
            }
            for step in steps { try sink.step(step) }
            let axes = (sample.scores ?? [:]).compactMapValues(\.value.value)
            let primary = sample.scores?.keys.sorted().first.flatMap { axes[$0] }
            let outcome: Outcome =
                sample.error != nil ? .error : primary.map { $0 >= 1 ? .passed : .failed } ?? .ungraded
            try sink.attempt(
                AttemptRecord(
                    runID: runID, attemptID: attemptID, task: "\(eval.task)/\(sample.id)", agentName: eval.task,
                    outcome: outcome, score: primary, graderAxes: axes, errorType: sample.error.map { _ in .sampleError },
                    scheduled: start, end: end, stepCount: steps.count))
        }

        func usage(of event: Event) -> TokenUsage? {
            if let raw = event.call?.response?.usage?.tokenUsage { return raw }
            guard let usage = event.output?.usage else { return nil }
            let read = usage.inputTokensCacheRead ?? 0
            let write = usage.inputTokensCacheWrite ?? 0
            let provider = (event.model ?? eval.model ?? "").split(separator: "/").first.map(String.init) ?? ""
            // Before 0.3.184, OpenAI-style providers counted cached tokens inside input_tokens.
            let inputIncludesCache = !normalizedUsage && provider != "anthropic"
            let convention = inputIncludesCache ? TokenUsage.inputIncludingCache : TokenUsage.inputExcludingCache
            return convention(usage.inputTokens, read, write, 0, usage.outputTokens, usage.reasoningTokens ?? 0)
        }
    }
}
