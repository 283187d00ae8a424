import Hummingbird
import NIOCore
import SimulatedFleet

extension FleetRoutes {
    /// Prometheus text exposition of what the fleet served. Written by hand: a few counters do
    /// not justify bootstrapping swift-metrics' global registry inside a library.
    func metrics() async -> Response {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples {
                text += "\(name){\(labels)} \(value == value.rounded() ? String(Int(value)) : String(value))\n"
            }
        }
        let served = await fleet.served.sorted { $0.key < $1.key }
        let label = { (model: String) in "model=\"\(model)\"" }
        family(
            "agentperf_sim_requests_total", "counter", "Requests finished.",
            served.map { (label($0.key), Double($0.value.completed)) })
        family(
            "agentperf_sim_rejected_requests_total", "counter", "Requests rejected (too long).",
            served.map { (label($0.key), Double($0.value.rejected)) })
        family(
            "agentperf_sim_abandoned_requests_total", "counter", "Requests whose client went away.",
            served.map { (label($0.key), Double($0.value.abandoned)) })
        family(
            "agentperf_sim_prompt_tokens_total", "counter", "Prompt tokens of finished requests.",
            served.map { (label($0.key), Double($0.value.promptTokens)) })
        family(
            "agentperf_sim_cached_prompt_tokens_total", "counter", "Prompt tokens served from the prefix cache.",
            served.map { (label($0.key), Double($0.value.cachedPromptTokens)) })
        family(
            "agentperf_sim_cache_write_tokens_total", "counter", "Prompt tokens newly written to the prefix cache.",
            served.map { (label($0.key), Double($0.value.cacheWriteTokens)) })
        family(
            "agentperf_sim_generation_tokens_total", "counter", "Generated tokens.",
            served.map { (label($0.key), Double($0.value.generationTokens)) })
        family(
            "agentperf_sim_preemptions_total", "counter", "Preemptions (KV cache exhausted).",
            served.map { (label($0.key), Double($0.value.preemptions)) })
        let replicas = await fleet.replicaStatus
        let replicaLabel = { (i: Int) in "model=\"\(replicas[i].model)\",replica=\"\(i)\"" }
        family(
            "agentperf_sim_running_requests", "gauge", "Requests in the running batch.",
            replicas.indices.map { (replicaLabel($0), Double(replicas[$0].status.running)) })
        family(
            "agentperf_sim_waiting_requests", "gauge", "Requests waiting for admission.",
            replicas.indices.map { (replicaLabel($0), Double(replicas[$0].status.waiting)) })
        family(
            "agentperf_sim_kv_cache_usage_ratio", "gauge", "Share of KV blocks referenced by requests.",
            replicas.indices.map {
                (replicaLabel($0), Double(replicas[$0].status.usedBlocks) / Double(max(1, replicas[$0].status.totalBlocks)))
            })
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
