import Hummingbird
import NIOCore
import SimulatedFleet

extension FleetRoutes {
    /// Counters per served model: metric name, help text, and the field it reads.
    private static let counters: [(String, String, @Sendable (ServedCounters) -> Int)] = [
        ("agentperf_sim_requests_total", "Requests finished.", { $0.completed }),
        ("agentperf_sim_rejected_requests_total", "Requests rejected (too long).", { $0.rejected }),
        ("agentperf_sim_abandoned_requests_total", "Requests whose client went away.", { $0.abandoned }),
        ("agentperf_sim_prompt_tokens_total", "Prompt tokens of finished requests.", { $0.promptTokens }),
        ("agentperf_sim_cached_prompt_tokens_total", "Prompt tokens served from the prefix cache.", { $0.cachedPromptTokens }),
        ("agentperf_sim_cache_write_tokens_total", "Prompt tokens newly written to the prefix cache.", { $0.cacheWriteTokens }),
        ("agentperf_sim_generation_tokens_total", "Generated tokens.", { $0.generationTokens }),
        ("agentperf_sim_preemptions_total", "Preemptions (KV cache exhausted).", { $0.preemptions }),
    ]

    /// Gauges per replica: metric name, help text, and how to read it.
    private static let gauges: [(String, String, @Sendable (ReplicaStatus) -> Double)] = [
        ("agentperf_sim_running_requests", "Requests in the running batch.", { Double($0.running) }),
        ("agentperf_sim_waiting_requests", "Requests waiting for admission.", { Double($0.waiting) }),
        (
            "agentperf_sim_kv_cache_usage_ratio", "Share of KV blocks referenced by requests.",
            {
                Double($0.usedBlocks) / Double(max(1, $0.totalBlocks))
            }
        ),
    ]

    /// Prometheus text exposition of what the fleet served. Written by hand: a few counters do
    /// not justify bootstrapping swift-metrics' global registry inside a library.
    func metrics() async -> Response {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples {
                text += "\(name){\(labels)} \(value == value.rounded() ? String(Int(value)) : String(value))\n"
            }
        }
        let served = await fleet.served.sorted { $0.key < $1.key }
        for (name, help, field) in Self.counters {
            family(name, "counter", help, served.map { ("model=\"\($0.key)\"", Double(field($0.value))) })
        }
        let replicas = await fleet.replicaStatus
        for (name, help, read) in Self.gauges {
            family(
                name, "gauge", help, replicas.enumerated().map { ("model=\"\($1.model)\",replica=\"\($0)\"", read($1.status)) })
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
