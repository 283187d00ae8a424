package import Foundation

/// Where the gateway listens, what it forwards to, and who may call it.
package struct GatewayConfiguration: Sendable {
    /// The upstream's base URL up to and including the API version (`…/v1`): a call to
    /// `/v1/chat/completions` goes to `<upstream>/chat/completions`.
    package var upstream: URL
    package var listen: ListenAddress
    /// When set, every call must present it (as its API key, or `X-AgentPerf-Token`); the
    /// client's credentials then never reach the upstream, which gets `upstreamHeaders` instead.
    package var accessToken: String?
    /// Headers sent to the upstream on every call (its API key when `accessToken` is set).
    package var upstreamHeaders: [(String, String)]
    /// A session's attempt (calls without an attempt key) ends after this long without a call.
    package var idleGap: Duration
    /// One upstream call, request sent → response complete.
    package var callTimeout: Duration
    /// The most concurrent connections to the upstream.
    package var maxConnections: Int
    /// Budgets, escalation and congestion routing (none by default).
    package var policy = GatewayPolicy()

    /// The client's credentials stay here: the gateway has its own token, or the upstream's key.
    var replacesClientCredentials: Bool {
        accessToken != nil || upstreamHeaders.contains { Forwarding.credentialHeaders.contains($0.0.lowercased()) }
    }

    package init(
        upstream: URL, listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0), accessToken: String? = nil,
        upstreamHeaders: [(String, String)] = [], idleGap: Duration = .seconds(30), callTimeout: Duration = .seconds(600),
        maxConnections: Int = 1024
    ) {
        self.upstream = upstream
        self.listen = listen
        self.accessToken = accessToken
        self.upstreamHeaders = upstreamHeaders
        self.idleGap = idleGap
        self.callTimeout = callTimeout
        self.maxConnections = maxConnections
    }
}

/// A `host:port` to bind.
package struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (loopback); nil when it is none of these.
    package init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    /// True for addresses only this machine can reach.
    package var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        // An IPv4 literal in 127.0.0.0/8 (not a name such as 127.example.com).
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why the gateway cannot start as asked.
package enum GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A non-loopback address without `--allow-remote` and an access token.
    case remoteBindRefused(ListenAddress, hasToken: Bool, allowed: Bool)
    case cannotListen(ListenAddress, String)
    /// A policy file that breaks a rule: the file and the field.
    case badPolicy(String, String)

    package var description: String {
        switch self {
        case .remoteBindRefused(let address, let hasToken, let allowed):
            var missing: [String] = []
            if !allowed { missing.append("--allow-remote") }
            if !hasToken { missing.append("an access token in AGENTPERF_GATEWAY_TOKEN") }
            return "refusing to listen on \(address): it is reachable from other machines, which needs "
                + missing.joined(separator: " and ")
                + " (clients then present the token as their API key); or listen on 127.0.0.1"
        case .cannotListen(let address, let reason): return "cannot listen on \(address): \(reason)"
        case .badPolicy(let source, let reason): return "\(source): \(reason)"
        }
    }

    /// Refuses an address other machines can reach unless remote access was asked for and is guarded by a token.
    package static func checkBind(_ address: ListenAddress, allowRemote: Bool, token: String?) throws(GatewayError) {
        guard !address.isLoopback else { return }
        let hasToken = !(token ?? "").isEmpty
        guard allowRemote, hasToken else { throw .remoteBindRefused(address, hasToken: hasToken, allowed: allowRemote) }
    }
}
