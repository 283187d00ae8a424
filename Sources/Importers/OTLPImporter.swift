package import Foundation
package import Traces

/// OpenTelemetry traces in OTLP/JSON: one `ExportTraceServiceRequest` document, or one per line
/// (the collector's file exporter).
///
/// One attempt per trace (`traceId`); a step per span that is a GenAI operation, by
/// `gen_ai.operation.name` or OpenInference's `openinference.span.kind`. A root `invoke_agent`
/// span is the attempt itself; nested ones are delegations whose descendants form sub-agents.
/// Traps handled (docs/IMPORTERS.md):
/// - Attribute names of two generations: `gen_ai.usage.input_tokens` / `output_tokens` and the
///   older `prompt_tokens` / `completion_tokens`; `gen_ai.usage.cache_read.input_tokens` and the
///   older `cache_read_input_tokens` (same for cache creation); `gen_ai.provider.name` and the
///   older `gen_ai.system`; OpenInference's `llm.token_count.*`.
/// - `input_tokens` SHOULD include cached tokens; instrumentations that copy Anthropic's
///   exclusive count are detected (input < cache read + write) and reported once per file.
/// - int64 values arrive as JSON strings or numbers; ids as hex or base64; span kinds as numbers
///   or names.
/// JSON-lines files are streamed: a trace is emitted when its root span arrives (exporters send
/// spans as they end, so the root comes last); traces without a root are emitted at the end.
package enum OTLPImporter {
    package static let format = "otlp"

    package static func sniff(_ head: String) -> Bool {
        head.contains("\"resourceSpans\"")
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        var state = State(path: url.path)
        var reader: LineReader
        do { reader = try LineReader(url: url) } catch {
            throw ImportError.cannotRead(path: url.path, reason: FileErrors.describe(error))
        }
        let decoder = JSONDecoder()
        var firstLineFailed = false
        var sawLine = false
        while let line = try reader.next() {
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            do {
                let request = try decoder.decode(ExportRequest.self, from: Data(line.bytes))
                try state.add(request, into: &sink)
                sawLine = true
            } catch {
                if !sawLine {
                    firstLineFailed = true  // a pretty-printed document: read it whole below
                    break
                }
                sink.diagnostic(
                    TraceDiagnostic(
                        severity: .error, file: url.path, line: line.number,
                        message: line.isTerminated ? DecodingProblem.describe(error) : "truncated last line (incomplete JSON)"))
            }
        }
        if firstLineFailed {
            let data = try ImportError.readWhole(url)
            do {
                let request = try decoder.decode(ExportRequest.self, from: data)
                try state.add(request, into: &sink)
            } catch {
                throw ImportError.notFormat(path: url.path, format: "OTLP/JSON", reason: ImportError.describe(error, in: data))
            }
        }
        try state.flushAll(into: &sink)
        if state.outOfRangeUsage > 0 {
            sink.diagnostic(
                TraceDiagnostic(
                    severity: .error, file: url.path, line: nil,
                    message:
                        "\(state.outOfRangeUsage) spans carry token counts that are not whole numbers from 0 to \(TokenUsage.maxTokensPerRecord); their usage is left out"
                ))
        }
        if state.exclusiveInputSeen {
            sink.diagnostic(
                TraceDiagnostic(
                    severity: .warning, file: url.path, line: nil,
                    message:
                        "some spans report gen_ai.usage.input_tokens without their cached tokens (Anthropic-style); read as uncached input"
                ))
        }
    }

    // MARK: Wire types

    struct ExportRequest: Decodable {
        var resourceSpans: [ResourceSpans]
    }

    struct ResourceSpans: Decodable {
        var resource: Resource?
        var scopeSpans: [ScopeSpans]?
        /// The pre-1.0 name of `scopeSpans`.
        var instrumentationLibrarySpans: [ScopeSpans]?
    }

    struct Resource: Decodable { var attributes: [KeyValue]? }
    struct ScopeSpans: Decodable { var spans: [Span]? }

    struct Span: Decodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String?
        var startTimeUnixNano: FlexibleInt64?
        var endTimeUnixNano: FlexibleInt64?
        var attributes: [KeyValue]?
        var status: Status?
        /// AgentPerf's own export marks a step's first and last token as events.
        var events: [Event]?
    }

    struct Event: Decodable {
        var timeUnixNano: FlexibleInt64?
        var name: String?
    }

    struct Status: Decodable {
        var code: StatusCode?
        var message: String?
    }

    /// Numeric (2) or named (`STATUS_CODE_ERROR`).
    struct StatusCode: Decodable {
        var isError: Bool
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let number = try? c.decode(Int.self) {
                isError = number == 2
            } else {
                isError = (try c.decode(String.self)).uppercased().contains("ERROR")
            }
        }
    }

    struct KeyValue: Decodable {
        var key: String
        var value: AnyValue?
    }

    struct AnyValue: Decodable {
        var stringValue: String?
        var intValue: FlexibleInt64?
        var doubleValue: Double?
        var boolValue: Bool?

        var string: String? { stringValue ?? intValue.map { String($0.value) } ?? doubleValue.map { String($0) } }
        /// The value as a whole number, nil when it is not one (`Int(exactly:)`: 1e30 does not trap).
        var int: Int? {
            if let intValue { return Int(intValue.value) }
            if let doubleValue { return Int(exactly: doubleValue) }
            return stringValue.flatMap { Int($0) }
        }
    }

    /// OTLP/JSON writes 64-bit integers as strings; some exporters write numbers.
    struct FlexibleInt64: Decodable {
        var value: Int64
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let number = try? c.decode(Int64.self) {
                value = number
            } else if let text = try? c.decode(String.self), let number = Int64(text) {
                value = number
            } else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an integer or a decimal string")
            }
        }
    }

    // MARK: Assembly

    struct PendingSpan {
        var span: Span
        var attributes: [String: AnyValue]
        var id: String
        var parent: String?
    }

    struct State {
        let path: String
        var origin: Int64?
        var traces: [String: [PendingSpan]] = [:]
        var traceOrder: [String] = []
        var exclusiveInputSeen = false
        /// Spans whose token counts were not whole numbers from 0 to 10¹².
        var outOfRangeUsage = 0
        var runID: String { importedRunID(path: path) }

        init(path: String) { self.path = path }

        mutating func add(_ request: ExportRequest, into sink: inout some TraceSink) throws {
            for resource in request.resourceSpans {
                for scope in (resource.scopeSpans ?? []) + (resource.instrumentationLibrarySpans ?? []) {
                    for span in scope.spans ?? [] {
                        if origin == nil {
                            let start = span.startTimeUnixNano?.value ?? 0
                            origin = start
                            try sink.begin(
                                RunRecord(
                                    runID: runID, startedAt: Date(timeIntervalSince1970: Double(start) / 1e9),
                                    agentperfVersion: "import",
                                    workload: "\(OTLPImporter.format): \(URL(fileURLWithPath: path).lastPathComponent)"))
                        }
                        let trace = normalizeID(span.traceId)
                        let parent = span.parentSpanId.map(normalizeID).flatMap {
                            $0.isEmpty || $0.allSatisfy { $0 == "0" } ? nil : $0
                        }
                        let attributes = Dictionary((span.attributes ?? []).compactMap { kv in kv.value.map { (kv.key, $0) } }) {
                            a, _ in a
                        }
                        if traces[trace] == nil { traceOrder.append(trace) }
                        traces[trace, default: []].append(
                            PendingSpan(span: span, attributes: attributes, id: normalizeID(span.spanId), parent: parent))
                        if parent == nil { try flush(trace, into: &sink) }
                    }
                }
            }
        }

        mutating func flushAll(into sink: inout some TraceSink) throws {
            for trace in traceOrder where traces[trace] != nil {
                sink.diagnostic(
                    TraceDiagnostic(
                        severity: .warning, file: path, line: nil,
                        message: "trace \(trace) has no root span; imported without one"))
                try flush(trace, into: &sink)
            }
        }

        mutating func flush(_ trace: String, into sink: inout some TraceSink) throws {
            guard let spans = traces.removeValue(forKey: trace) else { return }
            traceOrder.removeAll { $0 == trace }
            let byID = Dictionary(spans.map { ($0.id, $0) }) { a, _ in a }
            let root = spans.first { $0.parent == nil }
            // A time so far from the first span's that the difference overflows is left out.
            func time(_ value: FlexibleInt64?) -> Int64? {
                value.flatMap {
                    let (difference, overflow) = $0.value.subtractingReportingOverflow(origin ?? 0)
                    return overflow ? nil : difference
                }
            }
            func operation(_ span: PendingSpan) -> OperationName? {
                if let name = span.attributes["gen_ai.operation.name"]?.string { return OperationName(rawValue: name) }
                switch span.attributes["openinference.span.kind"]?.string?.uppercased() {
                case "LLM": return .chat
                case "TOOL", "RETRIEVER": return .executeTool
                case "AGENT": return .invokeAgent
                case "EMBEDDING": return .embeddings
                case "RERANKER": return .rerank
                default: return nil
                }
            }
            /// The nearest delegation (a non-root invoke_agent span) above a span.
            func delegation(above span: PendingSpan) -> PendingSpan? {
                var current = span.parent.flatMap { byID[$0] }
                while let candidate = current {
                    if candidate.id != root?.id, operation(candidate) == .invokeAgent { return candidate }
                    current = candidate.parent.flatMap { byID[$0] }
                }
                return nil
            }
            var indexByAgent: [String: Int] = [:]
            var count = 0
            for span in spans.sorted(by: { ($0.span.startTimeUnixNano?.value ?? 0) < ($1.span.startTimeUnixNano?.value ?? 0) }) {
                guard span.id != root?.id || root.map(operation) != .invokeAgent, let op = operation(span) else { continue }
                let owner = delegation(above: span)
                let agent = owner?.id ?? "main"
                let index = indexByAgent[agent, default: 0]
                indexByAgent[agent] = index + 1
                let a = span.attributes
                let tool = a["gen_ai.tool.name"]?.string ?? a["tool.name"]?.string
                let error =
                    a["error.type"]?.string.map(StepErrorType.init(rawValue:))
                    ?? (span.span.status?.code?.isError == true ? StepErrorType.spanError : nil)
                try sink.step(
                    StepRecord(
                        runID: runID, attemptID: trace, stepID: span.id, parentStepID: owner?.id, agentID: agent,
                        agentName: (owner?.attributes ?? a)["gen_ai.agent.name"]?.string, index: index, operation: op,
                        useClass: op == .invokeAgent ? .delegate : tool.map { UseClassification.forTool(named: $0) } ?? .act,
                        model: ModelNames.mostSpecific(
                            request: a["gen_ai.request.model"]?.string, response: a["gen_ai.response.model"]?.string)
                            ?? a["llm.model_name"]?.string,
                        provider: a["gen_ai.provider.name"]?.string ?? a["gen_ai.system"]?.string ?? a["llm.provider"]?.string
                            ?? a["llm.system"]?.string,
                        toolName: tool, usage: usage(a),
                        timing: StepTiming(
                            scheduled: time(span.span.startTimeUnixNano), sent: time(span.span.startTimeUnixNano),
                            firstToken: time(span.span.events?.first { $0.name == "agentperf.first_token" }?.timeUnixNano),
                            lastToken: time(span.span.events?.first { $0.name == "agentperf.last_token" }?.timeUnixNano),
                            end: time(span.span.endTimeUnixNano)),
                        errorType: error,
                        // Content is opt-in in both conventions; when captured, hash it (never store it).
                        outputHash: (a["gen_ai.output.messages"]?.string ?? a["gen_ai.completion"]?.string
                            ?? a["output.value"]?.string)
                            .map { ContentHash.of($0) }))
                count += 1
            }
            let failed = root?.span.status?.code?.isError == true
            try sink.attempt(
                AttemptRecord(
                    runID: runID, attemptID: trace,
                    task: root?.attributes["gen_ai.agent.name"]?.string ?? root?.span.name ?? trace,
                    agentName: root?.attributes["gen_ai.agent.name"]?.string, outcome: failed ? .error : .ungraded,
                    errorType: failed
                        ? root?.attributes["error.type"]?.string.map(StepErrorType.init(rawValue:)) ?? .spanError : nil,
                    scheduled: time(root?.span.startTimeUnixNano ?? spans.first?.span.startTimeUnixNano),
                    end: time(root?.span.endTimeUnixNano ?? spans.last?.span.endTimeUnixNano), stepCount: count))
        }

        mutating func usage(_ a: [String: AnyValue]) -> TokenUsage? {
            // A count outside 0 … TokenUsage.maxTokensPerRecord leaves the span's usage out (and is said).
            var wild = false
            func int(_ names: String...) -> Int? {
                guard let name = names.first(where: { a[$0] != nil }) else { return nil }
                guard let value = a[name]?.int, (0...TokenUsage.maxTokensPerRecord).contains(value) else {
                    wild = true
                    return nil
                }
                return value
            }
            guard let input = int("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt") else {
                if wild { outOfRangeUsage += 1 }
                return nil
            }
            let output = int("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion") ?? 0
            let read =
                int(
                    "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                    "llm.token_count.prompt_details.cache_read") ?? 0
            let write =
                int(
                    "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
                    "gen_ai.usage.cache_creation_input_tokens",
                    "llm.token_count.prompt_details.cache_write") ?? 0
            let reasoning = int("gen_ai.usage.reasoning.output_tokens", "llm.token_count.completion_details.reasoning") ?? 0
            if wild {
                outOfRangeUsage += 1
                return nil
            }
            var uncached = input - read - write
            if uncached < 0 {
                exclusiveInputSeen = true
                uncached = input
            }
            return TokenUsage(
                uncachedInput: uncached, cacheRead: read, cacheWrite: write, output: output, reasoning: min(reasoning, output))
        }
    }

    /// Ids in OTLP/JSON are hex; the protobuf JSON mapping writes base64. Both → lower-case hex.
    static func normalizeID(_ id: String) -> String {
        let isHex = !id.isEmpty && id.allSatisfy(\.isHexDigit) && (id.count == 32 || id.count == 16)
        if isHex { return id.lowercased() }
        if let data = Data(base64Encoded: id), data.count == 16 || data.count == 8 {
            return data.map { String(format: "%02x", $0) }.joined()
        }
        return id
    }
}
