import Foundation
import ScaleOut
import Testing
import Yams

/// The objects `agentperf k8s-manifest` prints, read back as YAML (scripts/check-k8s.sh validates
/// them against Kubernetes' schemas and kubectl).
@Suite struct KubernetesManifestTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func objects(_ manifest: KubernetesManifest) throws -> [[String: Any]] {
        try Array(Yams.load_all(yaml: try manifest.render())).map { try #require($0 as? [String: Any]) }
    }

    @Test("four objects: the workload verbatim, an Indexed Job of N shards started together, a merge job over the results volume")
    func objects() throws {
        let workload = "name: nightly\n# a comment, kept\nseed: 7\nload: {concurrency: [64]}\n"
        let manifest = KubernetesManifest(
            name: "nightly", namespace: "bench", shards: 8, image: "registry.example.com/agentperf:1.0", workloadText: workload,
            startAt: Self.start, endpoint: "http://vllm:8000/v1")
        let objects = try Self.objects(manifest)
        #expect(objects.map { $0["kind"] as? String } == ["ConfigMap", "PersistentVolumeClaim", "Job", "Job"])
        // The run's objects carry its start; the results volume is shared by every run of the name.
        #expect(
            objects.map { ($0["metadata"] as? [String: Any])?["name"] as? String } == [
                "nightly-20261130-005320-workload", "nightly-results", "nightly-20261130-005320-shards",
                "nightly-20261130-005320-merge",
            ])
        let data = try #require(objects[0]["data"] as? [String: Any])
        #expect(data["workload.yaml"] as? String == workload)
        #expect(data["start-at"] as? String == "2026-11-30T00:53:20Z")

        let shards = try #require(objects[2]["spec"] as? [String: Any])
        #expect(shards["completionMode"] as? String == "Indexed")
        #expect(shards["completions"] as? Int == 8 && shards["parallelism"] as? Int == 8)
        let pod = try #require((shards["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let arguments = try #require(container["args"] as? [String])
        #expect(
            arguments == [
                "run", "/workload/workload.yaml", "--shard", "$(SHARD_INDEX)/8", "--start-at", "2026-11-30T00:53:20Z", "--out",
                "/results/nightly/20261130-005320/shard-$(SHARD_INDEX)", "--no-history", "--quiet", "--endpoint",
                "http://vllm:8000/v1",
            ])
        #expect(container["image"] as? String == "registry.example.com/agentperf:1.0")
        #expect(((objects[3]["metadata"] as? [String: Any])?["namespace"]) as? String == "bench")
        let merge = try #require(
            ((((objects[3]["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"]
                as? [[String: Any]])?.first)
        let script = try #require((merge["args"] as? [String])?.first)
        #expect(
            script.contains("-ge 8 ]")
                && script.contains(
                    "agentperf merge /results/nightly/20261130-005320/shard-* --out /results/nightly/20261130-005320/merged")
        )
    }

    @Test("values plain YAML would retype stay strings: a numeric image tag, yes, a leading digit")
    func quoting() throws {
        let manifest = KubernetesManifest(
            name: "x", shards: 2, image: "1.5", workloadText: "name: yes\n", startAt: Self.start, storage: "10")
        let objects = try Self.objects(manifest)
        let claim = try #require(objects[1]["spec"] as? [String: Any])
        #expect(((claim["resources"] as? [String: Any])?["requests"] as? [String: Any])?["storage"] as? String == "10")
        let text = try manifest.render()
        #expect(text.contains("image: \"1.5\""))
    }

    @Test("object names from workload names: DNS-1123 labels of at most 40 characters")
    func names() {
        #expect(KubernetesManifest.objectName(from: "Agent Mix (v2)") == "agent-mix--v2")
        #expect(KubernetesManifest.objectName(from: "---") == "agentperf")
        #expect(KubernetesManifest.objectName(from: String(repeating: "a", count: 60)).count == 30)
        #expect(KubernetesManifest.isObjectName("nightly-64") && !KubernetesManifest.isObjectName("Nightly"))
        #expect(!KubernetesManifest.isObjectName("9lives") && !KubernetesManifest.isObjectName("trailing-"))
    }
}
