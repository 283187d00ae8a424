package import Foundation
package import Traces

/// A run's attempts and steps as OTLP/JSON spans, after the OpenTelemetry GenAI conventions: one
/// trace per attempt, its root an `invoke_agent` span, each step a child (`chat`, `embeddings`,
/// `execute_tool`; a delegation's steps under the delegation's `invoke_agent` span).
///
/// Ids are derived from the run and attempt ids (so exporting a run twice sends the same ids,
/// and a backend deduplicates instead of doubling it): hex, as OTLP/JSON requires. Times are the
/// run's `started_at` plus each record's monotonic nanoseconds. A step's first and last token
/// are span events (`agentperf.first_token`, `agentperf.last_token`). Within a trace the root span
/// comes last, as exporters that send spans as they end write it (the OTLP importer relies on it).
package enum OTLPSpans {
    /// The most spans in one request (the OTel SDKs' default batch), never splitting an attempt:
    /// a collector refuses bodies over its limit (20 MiB by default) whole.
    static let spansPerRequest = 512

    /// The requests `log` makes, each at most `spansPerRequest` spans (or one attempt), built
    /// one at a time as they are sent (`Batches.request(_:)`), so a large run is never all spans
    /// in memory at once. Throws when the trace has no wall-clock anchor (some imported traces)
    /// or one outside 1970…2262 (OTLP times are unsigned nanoseconds since 1970 in 64 bits).
    package static func batches(_ log: TraceLog) throws(OTLPExportError) -> Batches {
        guard let run = log.run, let startedAt = run.startedAt else { throw .noWallClock }
        let milliseconds = (startedAt.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds >= 0, let whole = Int64(exactly: milliseconds),
            case (let anchor, false) = whole.multipliedReportingOverflow(by: 1_000_000)
        else { throw .anchorOutOfRange(startedAt.formatted(.iso8601)) }
        // An attempt is its steps' spans and its root's.
        var ranges: [Range<Int>] = []
        var first = 0
        var pending = 0
        for (index, attempt) in log.attempts.enumerated() {
            let spans = attempt.steps.count + 1
            if pending > 0, pending + spans > spansPerRequest {
                ranges.append(first..<index)
                (first, pending) = (index, 0)
            }
            pending += spans
        }
        if pending > 0 { ranges.append(first..<log.attempts.count) }
        return Batches(log: log, run: run, anchor: anchor, ranges: ranges)
    }

    /// A run's attempts in request-sized ranges.
    package struct Batches: Sendable {
        let log: TraceLog
        let run: RunRecord
        let anchor: Int64
        /// The attempts of each request, in order.
        package let ranges: [Range<Int>]

        /// The `ExportTraceServiceRequest` of the attempts in `range`.
        package func request(_ range: Range<Int>) -> OTLPJSON.TraceRequest {
            let resource = OTLPJSON.Resource(attributes: [
                .init("service.name", .string("agentperf")), .init("agentperf.run_id", .string(run.runID)),
                .init("agentperf.workload", .string(run.workload)),
            ])
            let scope = OTLPJSON.Scope(name: "agentperf", version: run.agentperfVersion)
            let spans = log.attempts[range].flatMap { OTLPSpans.spans(of: $0, runID: run.runID, anchor: anchor) }
            return OTLPJSON.TraceRequest(resourceSpans: [
                .init(resource: resource, scopeSpans: [.init(scope: scope, spans: spans)])
            ])
        }
    }

    /// The attempt's step spans, then its root span (from the earliest of its start and its
    /// steps' to the latest of its end and theirs). Times are clamped to 0…2⁶³−1 ns, and a span
    /// never ends before it starts.
    static func spans(of attempt: LoggedAttempt, runID: String, anchor: Int64) -> [OTLPJSON.Span] {
        let record = attempt.record
        let trace = OTLPIDs.trace(runID: runID, attemptID: record.attemptID)
        let root = OTLPIDs.span(runID: runID, attemptID: record.attemptID, stepID: nil)
        func wall(_ ns: Int64) -> Int64 {
            let (sum, overflow) = anchor.addingReportingOverflow(ns)
            return overflow ? (ns > 0 ? .max : 0) : max(0, sum)
        }
        var spans: [OTLPJSON.Span] = []
        var earliest = record.scheduled.map(wall)
        var latest = record.end.map(wall)
        for step in attempt.steps {
            let usage = step.usage
            var attributes: [OTLPJSON.KeyValue] = [
                .init("gen_ai.operation.name", .string(step.operation.rawValue)),
                .init("agentperf.step_id", .string(step.stepID)), .init("agentperf.use_class", .string(step.useClass.rawValue)),
            ]
            attributes.append(
                contentsOf: [
                    step.model.map { .init("gen_ai.request.model", .string($0)) },
                    step.provider.map { .init("gen_ai.provider.name", .string($0)) },
                    step.toolName.map { .init("gen_ai.tool.name", .string($0)) },
                    step.agentName.map { .init("gen_ai.agent.name", .string($0)) },
                    step.tier.map { .init("agentperf.tier", .string($0)) },
                    step.errorType.map { .init("error.type", .string($0.rawValue)) },
                    usage.map { .init("gen_ai.usage.input_tokens", .int($0.totalInput)) },
                    usage.map { .init("gen_ai.usage.output_tokens", .int($0.output)) },
                    usage.map { .init("gen_ai.usage.cache_read.input_tokens", .int($0.cacheRead)) },
                    // The convention's name since the 2026 rename, and the one before it, for backends not yet renamed.
                    usage.map { .init("gen_ai.usage.cache_write.input_tokens", .int($0.cacheWrite)) },
                    usage.map { .init("gen_ai.usage.cache_creation.input_tokens", .int($0.cacheWrite)) },
                    usage.map { .init("gen_ai.usage.reasoning.output_tokens", .int($0.reasoning)) },
                ].compactMap { $0 })
            let timing = step.timing
            var events: [OTLPJSON.Event] = []
            if let first = timing.firstToken {
                events.append(.init(timeUnixNano: String(wall(first)), name: "agentperf.first_token"))
            }
            if let last = timing.lastToken {
                events.append(.init(timeUnixNano: String(wall(last)), name: "agentperf.last_token"))
            }
            let start = wall(timing.sent ?? timing.scheduled ?? timing.end ?? record.scheduled ?? 0)
            let end = max(start, timing.end.map(wall) ?? start)
            earliest = min(earliest ?? start, start)
            latest = max(latest ?? end, end)
            let parent = step.parentStepID.map { OTLPIDs.span(runID: runID, attemptID: record.attemptID, stepID: $0) } ?? root
            spans.append(
                OTLPJSON.Span(
                    traceId: trace, spanId: OTLPIDs.span(runID: runID, attemptID: record.attemptID, stepID: step.stepID),
                    parentSpanId: parent,
                    name: [step.operation.rawValue, step.model ?? step.toolName].compactMap { $0 }.joined(separator: " "),
                    // CLIENT for calls to a model server; INTERNAL for tools, delegations and decisions.
                    kind: step.operation.family == .model ? 3 : 1, startTimeUnixNano: String(start),
                    endTimeUnixNano: String(end), attributes: attributes, events: events.isEmpty ? nil : events,
                    status: step.errorType.map { .init(code: 2, message: $0.rawValue) }))
        }
        var attributes: [OTLPJSON.KeyValue] = [
            .init("gen_ai.operation.name", .string("invoke_agent")), .init("gen_ai.agent.name", .string(record.task)),
            .init("agentperf.attempt_id", .string(record.attemptID)),
            .init("agentperf.outcome", .string(record.outcome.rawValue)),
            .init("agentperf.warmup", .bool(record.isWarmup)),
        ]
        if let level = record.level { attributes.append(.init("agentperf.level", .string(level.rawValue))) }
        if let error = record.errorType { attributes.append(.init("error.type", .string(error.rawValue))) }
        let failed = record.outcome == .error || record.outcome == .timeout
        let start = earliest ?? wall(0)
        spans.append(
            OTLPJSON.Span(
                traceId: trace, spanId: root, parentSpanId: nil, name: "invoke_agent \(record.task)", kind: 1,
                startTimeUnixNano: String(start), endTimeUnixNano: String(max(start, latest ?? start)),
                attributes: attributes, events: nil,
                status: failed ? .init(code: 2, message: record.errorType?.rawValue ?? record.outcome.rawValue) : nil))
        return spans
    }
}

/// Deterministic OTLP ids: FNV-1a 64 of the run, attempt and step ids, in lower-case hex; never
/// all zeros (an invalid id).
enum OTLPIDs {
    static func trace(runID: String, attemptID: String) -> String {
        hex(hash("trace", runID, attemptID)) + hex(hash("trace-low", runID, attemptID))
    }

    static func span(runID: String, attemptID: String, stepID: String?) -> String {
        hex(hash("span", runID, attemptID, stepID ?? "/attempt"))
    }

    private static func hash(_ parts: String...) -> UInt64 {
        var hash = ContentHash()
        for part in parts {
            hash.update(part)
            hash.update("\u{1F}")
        }
        return hash.value == 0 ? 1 : hash.value
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
