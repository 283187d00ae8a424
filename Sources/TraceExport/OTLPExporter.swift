package import AgentMetrics
import AsyncHTTPClient
package import Foundation
import NIOCore
import NIOHTTP1
package import Traces

/// Why an export did not arrive whole; every message names the endpoint and what the receiver said.
package enum OTLPExportError: Error, Sendable, CustomStringConvertible {
    case noWallClock
    case anchorOutOfRange(String)
    case badEndpoint(String)
    case badHeaders(String)
    case unreachable(endpoint: String, String)
    case refused(endpoint: String, status: Int, String)
    case partial(endpoint: String, rejected: Int, String)

    package var description: String {
        switch self {
        case .noWallClock: "the trace has no wall-clock start (started_at), so its spans have no time to be exported at"
        case .anchorOutOfRange(let time): "the trace starts at \(time), outside what OTLP times can hold (1970 to 2262)"
        case .badEndpoint(let problem): "--otlp-endpoint: \(problem)"
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
    /// What never appears in a message: each header value, raw and decoded, and each long word of it.
    private let secrets: [String]

    /// The most bytes of a receiver's reply read (a refusal's is quoted, a success's parsed).
    static let replyLimit = 64 << 10
    /// The most characters of a refusal quoted in an error.
    static let quotedBody = 2048

    package init(endpoint: String, environment: [String: String]) throws(OTLPExportError) {
        guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .badEndpoint("expected an http(s) URL like http://localhost:4318")
        }
        // Credentials belong in OTEL_EXPORTER_OTLP_HEADERS; a URL is printed in every message.
        guard url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
            throw .badEndpoint(
                "expected a bare URL like http://localhost:4318, without credentials or a query (headers go in OTEL_EXPORTER_OTLP_HEADERS)"
            )
        }
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        var headers: [(String, String)] = []
        var secrets: [String] = []
        let entries = (environment["OTEL_EXPORTER_OTLP_HEADERS"] ?? "").split(separator: ",")
        for (position, pair) in entries.enumerated() {
            // Entries are named by position: a malformed one may be a pasted key.
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let isHeaderName = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            guard parts.count == 2, !name.isEmpty, isHeaderName else {
                throw .badHeaders("entry \(position + 1) of \(entries.count) is not name=value with a header name before '='")
            }
            let raw = String(parts[1]).trimmingCharacters(in: .whitespaces)
            let value = raw.removingPercentEncoding ?? raw
            headers.append((name, value))
            secrets +=
                [raw, value] + value.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init).filter { $0.count >= 8 }
            // `authorization=Basic …`: the user and password inside, decoded.
            if value.lowercased().hasPrefix("basic "), let data = Data(base64Encoded: String(value.dropFirst(6))),
                let decoded = String(data: data, encoding: .utf8)
            {
                secrets += [decoded] + decoded.split(separator: ":").map(String.init).filter { $0.count >= 4 }
            }
        }
        self.headers = headers
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// What an export sent, and what the receiver said without refusing.
    package struct Receipt: Sendable {
        package var spans = 0
        /// A receiver's `partialSuccess.errorMessage` with nothing rejected, or a reply that is not OTLP JSON.
        package var warnings: [String] = []
    }

    /// Exports every attempt of `log` as spans and `summary`'s levels as gauges.
    package func export(_ log: TraceLog, summary: RunSummary) async throws(OTLPExportError) -> Receipt {
        let batches = try OTLPSpans.batches(log)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var windowEnds: [String: Date] = [:]
        if let started = log.run?.startedAt {
            for window in log.windows {
                windowEnds[window.level.rawValue + "/" + (window.variant ?? "")] = started.addingTimeInterval(
                    Double(window.end) / 1e9)
            }
        }
        let metrics = OTLPMetrics.request(summary, windowEnds: windowEnds, version: log.run?.agentperfVersion ?? "")
        // A redirect would turn the POST into a GET (and send the headers to another host): refused.
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        do {
            return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                var receipt = Receipt()
                for range in batches.ranges {
                    let request = batches.request(range)
                    receipt.warnings += try await post(
                        try encoder.encode(request), to: "/v1/traces", client: client, rejectedKey: "rejectedSpans")
                    receipt.spans += request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
                }
                receipt.warnings += try await post(
                    try encoder.encode(metrics), to: "/v1/metrics", client: client, rejectedKey: "rejectedDataPoints")
                return receipt
            }
        } catch let error as OTLPExportError {
            throw error
        } catch {
            throw .unreachable(endpoint: endpoint, scrub("\(error)"))
        }
    }

    /// Sends one request; returns the receiver's warnings, throws its refusal.
    private func post(_ body: Data, to path: String, client: HTTPClient, rejectedKey: String) async throws -> [String] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(30)) } catch {
            throw OTLPExportError.unreachable(endpoint: endpoint + path, scrub("\(error)"))
        }
        // The first 64 KiB of the reply; the rest is not read (a reply is a few bytes, or a refusal's text).
        var reply = Data()
        for try await chunk in response.body {
            reply.append(contentsOf: chunk.readableBytesView.prefix(Self.replyLimit - reply.count))
            if reply.count >= Self.replyLimit { break }
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw OTLPExportError.refused(
                endpoint: endpoint + path, status: Int(response.status.code), scrub(String(text.prefix(Self.quotedBody))))
        }
        guard !reply.isEmpty else { return [] }
        guard let object = try? JSONSerialization.jsonObject(with: reply) as? [String: Any] else {
            return [
                "\(endpoint + path) answered \(response.status.code) with a body that is not OTLP JSON; whether it kept everything is not known"
            ]
        }
        // A 2xx may still carry a partial success: how many records the receiver dropped, and why.
        guard let partial = object["partialSuccess"] as? [String: Any] else { return [] }
        let message = scrub(partial["errorMessage"] as? String ?? "")
        let count = partial[rejectedKey]
        let rejected: Int? =
            count == nil
            ? 0 : (count as? String).flatMap { Int($0) } ?? (count as? NSNumber).flatMap { Int(exactly: $0.doubleValue) }
        guard let rejected else {
            throw OTLPExportError.partial(endpoint: endpoint + path, rejected: -1, "an unreadable \(rejectedKey); \(message)")
        }
        if rejected > 0 {
            throw OTLPExportError.partial(
                endpoint: endpoint + path, rejected: rejected, message.isEmpty ? "no reason given" : message)
        }
        return message.isEmpty ? [] : ["\(endpoint + path): \(message)"]
    }

    /// A receiver's or the client's words without the header values (tokens) or anything shaped like one.
    private func scrub(_ text: String) -> String { Redaction.scrub(text, secrets: secrets) }
}
