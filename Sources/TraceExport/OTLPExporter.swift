package import AgentMetrics
import AsyncHTTPClient
package import Foundation
import NIOCore
import NIOHTTP1
package import Traces

/// Why an export did not arrive whole; every message names the endpoint and what the receiver said.
package enum OTLPExportError: Error, Sendable, CustomStringConvertible {
    case noWallClock
    case badEndpoint(String)
    case badHeaders(String)
    case unreachable(endpoint: String, String)
    case refused(endpoint: String, status: Int, String)
    case partial(endpoint: String, rejected: Int, String)

    package var description: String {
        switch self {
        case .noWallClock: "the trace has no wall-clock start (started_at), so its spans have no time to be exported at"
        case .badEndpoint(let endpoint):
            "--otlp-endpoint: expected an http(s) URL like http://localhost:4318, found \"\(endpoint)\""
        case .badHeaders(let problem): "OTEL_EXPORTER_OTLP_HEADERS: \(problem); expected key=value pairs separated by commas"
        case .unreachable(let endpoint, let reason): "OTLP export to \(endpoint) failed: \(reason)"
        case .refused(let endpoint, let status, let body): "OTLP export to \(endpoint) refused with HTTP \(status): \(body)"
        case .partial(let endpoint, let rejected, let message):
            "OTLP export to \(endpoint): the receiver rejected \(rejected) of the records (\(message))"
        }
    }
}

/// Sends a run to an OTLP/HTTP receiver (an OpenTelemetry collector, Jaeger, Langfuse, Phoenix):
/// its spans to `ENDPOINT/v1/traces` and its headline figures to `ENDPOINT/v1/metrics`, as
/// JSON. Headers (credentials) come from `OTEL_EXPORTER_OTLP_HEADERS`, as every OTel SDK reads
/// them; their values never appear in a message.
package struct OTLPExporter: Sendable {
    package let endpoint: String
    private let headers: [(String, String)]

    /// The most bytes of a refusal's body quoted in an error.
    static let quotedBody = 2048

    package init(endpoint: String, environment: [String: String]) throws(OTLPExportError) {
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .badEndpoint(endpoint)
        }
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        var headers: [(String, String)] = []
        for pair in (environment["OTEL_EXPORTER_OTLP_HEADERS"] ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .badHeaders("an entry without '=' (\(parts.first.map { String($0.prefix(20)) } ?? ""))")
            }
            let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
            headers.append((parts[0].trimmingCharacters(in: .whitespaces), value.removingPercentEncoding ?? value))
        }
        self.headers = headers
    }

    /// Exports every attempt of `log` as spans and `summary`'s levels as gauges; returns how many spans were sent.
    package func export(_ log: TraceLog, summary: RunSummary) async throws(OTLPExportError) -> Int {
        let requests = try OTLPSpans.requests(log)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var windowEnds: [String: Date] = [:]
        if let started = log.run?.startedAt {
            for window in log.windows { windowEnds[window.level.rawValue] = started.addingTimeInterval(Double(window.end) / 1e9) }
        }
        let metrics = OTLPMetrics.request(summary, windowEnds: windowEnds, version: log.run?.agentperfVersion ?? "")
        do {
            return try await HTTPClient.withHTTPClient { client in
                var spans = 0
                for request in requests {
                    try await post(try encoder.encode(request), to: "/v1/traces", client: client, rejectedKey: "rejectedSpans")
                    spans += request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
                }
                try await post(try encoder.encode(metrics), to: "/v1/metrics", client: client, rejectedKey: "rejectedDataPoints")
                return spans
            }
        } catch let error as OTLPExportError {
            throw error
        } catch {
            throw .unreachable(endpoint: endpoint, scrub("\(error)"))
        }
    }

    private func post(_ body: Data, to path: String, client: HTTPClient, rejectedKey: String) async throws {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(30)) } catch {
            throw OTLPExportError.unreachable(endpoint: endpoint + path, scrub("\(error)"))
        }
        let reply = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: reply)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw OTLPExportError.refused(
                endpoint: endpoint + path, status: Int(response.status.code), scrub(String(text.prefix(Self.quotedBody))))
        }
        // A 200 may still carry a partial success: how many records the receiver dropped, and why.
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        {
            let rejected = (partial[rejectedKey] as? String).flatMap(Int.init) ?? (partial[rejectedKey] as? Int) ?? 0
            if rejected > 0 {
                throw OTLPExportError.partial(
                    endpoint: endpoint + path, rejected: rejected, scrub(partial["errorMessage"] as? String ?? "no reason given"))
            }
        }
    }

    /// A receiver's or the client's words without the header values (tokens) or anything shaped like one.
    private func scrub(_ text: String) -> String { Redaction.scrub(text, secrets: headers.map(\.1)) }
}
