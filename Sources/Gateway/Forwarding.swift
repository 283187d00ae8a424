import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOHTTP1

/// Which headers cross the gateway, and how credentials are kept out of everything it writes.
enum Forwarding {
    /// Hop-by-hop headers (RFC 9110 §7.6.1) and those the gateway sets itself: never forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
    ]
    /// Not forwarded to the upstream either: a compressed stream could not be read on its way through.
    static let requestOnly: Set<String> = ["accept-encoding"]
    /// Headers that carry a credential.
    static let credentialHeaders: Set<String> = ["authorization", "x-api-key", "api-key", "x-goog-api-key"]
    /// The gateway's own headers, read and not forwarded.
    static let ownPrefix = "x-agentperf-"

    /// The client's request headers as the upstream gets them: hop-by-hop and the gateway's own
    /// left out; credentials replaced by `upstreamHeaders` when the gateway holds its own key.
    static func upstreamHeaders(
        from fields: HTTPFields, replacingCredentials: Bool, with upstreamHeaders: [(String, String)]
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in fields {
            let name = field.name.canonicalName
            if hopByHop.contains(name) || requestOnly.contains(name) || name.hasPrefix(ownPrefix) { continue }
            if replacingCredentials, credentialHeaders.contains(name) { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        for (name, value) in upstreamHeaders { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    /// The upstream's response headers as the client gets them.
    static func clientHeaders(from headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers where !hopByHop.contains(name.lowercased()) {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// The credential values in `fields` (bearer tokens without their scheme), to scrub from messages.
    static func credentials(in fields: HTTPFields) -> [String] {
        fields.compactMap { field in
            guard credentialHeaders.contains(field.name.canonicalName) else { return nil }
            let value = bareCredential(field.value)
            return value.count >= 4 ? value : nil
        }
    }

    /// A header value without its `Bearer` scheme (any case).
    static func bareCredential(_ value: String) -> String {
        value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)) : value
    }

    /// Whether `fields` present `token` as a bearer token, an `x-api-key` or `X-AgentPerf-Token`
    /// (compared in constant time).
    static func presents(_ token: String, in fields: HTTPFields) -> Bool {
        let offered = fields.compactMap { field -> String? in
            switch field.name.canonicalName {
            case "authorization": field.value.lowercased().hasPrefix("bearer ") ? bareCredential(field.value) : nil
            case "x-api-key", "x-agentperf-token": field.value
            default: nil
            }
        }
        return offered.contains { constantTimeEqual($0, token) }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
