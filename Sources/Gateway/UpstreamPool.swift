import Foundation

/// The upstreams congestion-aware routing spreads calls over, with each one's load: calls in
/// flight through the gateway and a recent queue time (an exponential moving average of what
/// the upstream reports in `Server-Timing: queue`, else of time to first token).
actor UpstreamPool {
    struct Pick: Sendable {
        var index: Int
        var url: URL
        /// Why this one, for the route step.
        var note: String
        /// Its recent queue time in seconds, nil before any call reported one.
        var recentQueue: Double?
    }

    private let urls: [URL]
    private var inFlight: [Int]
    private var recentQueue: [Double?]
    /// Weight of the newest observation in the moving average.
    static let smoothing = 0.3

    init(_ urls: [URL]) {
        precondition(!urls.isEmpty, "validated with the policy")
        self.urls = urls
        inFlight = Array(repeating: 0, count: urls.count)
        recentQueue = Array(repeating: nil, count: urls.count)
    }

    /// The least loaded upstream (fewest calls in flight, then the shorter recent queue); counts the call in.
    func pick() -> Pick {
        let index = urls.indices.min { a, b in
            (inFlight[a], recentQueue[a] ?? 0, a) < (inFlight[b], recentQueue[b] ?? 0, b)
        }!
        let loads = urls.indices.map { "\(inFlight[$0])" }.joined(separator: "/")
        inFlight[index] += 1
        return Pick(
            index: index, url: urls[index],
            note: "upstream \(index + 1) of \(urls.count) (calls in flight \(loads))", recentQueue: recentQueue[index])
    }

    /// A call picked with `pick` ended; `queueSeconds` is what it waited, if known.
    func done(_ index: Int, queueSeconds: Double?) {
        inFlight[index] = max(0, inFlight[index] - 1)
        guard let queueSeconds else { return }
        recentQueue[index] = recentQueue[index].map { $0 + Self.smoothing * (queueSeconds - $0) } ?? queueSeconds
    }
}
