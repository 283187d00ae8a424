import ArgumentParser
import Foundation
import Harness
import RunTarget
import ScaleOut
import SpecDecoding
import TraceCommands
import Traces
import Workload

/// `agentperf k8s-manifest WORKLOAD --shards N --image IMAGE`: the Kubernetes objects that run a
/// workload as N shards and merge them (docs/SCALE-OUT.md).
struct KubernetesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s-manifest",
        abstract: "Print the Kubernetes objects that run a workload as shards and merge them.",
        discussion: """
            Prints a ConfigMap (the workload and the shared start time), a PersistentVolumeClaim for the
            results, an Indexed Job whose completion index is the shard index (`run --shard $(SHARD_INDEX)/N
            --start-at …`), and a Job that waits for every shard's summary and runs `agentperf merge`. Apply
            with `kubectl apply -f -`; the image runs `agentperf` as its entry point (Containerfile).
            """)

    @Argument(help: "Workload file (YAML or JSON); checked here, mounted as /workload/workload.yaml.")
    var workload: String

    @Option(help: "Number of shards (one pod each).")
    var shards: Int

    @Option(help: "Container image whose entry point is agentperf (see Containerfile).")
    var image: String

    @Option(help: "Prefix of the objects' names (a DNS-1123 label; default: from the workload's name).")
    var name: String?

    @Option(help: "Namespace of the objects (default: kubectl's current one).")
    var namespace: String?

    @Option(help: "Start the shards' first level this long after now, e.g. 2m (time for every pod to be scheduled).")
    var startIn: DurationArgument = DurationArgument(argument: "2m")!

    @Option(help: "OpenAI-compatible base URL (…/v1) every shard calls; without it each shard runs its own built-in fleet.")
    var endpoint: String?

    @Option(help: "Size of the results volume.")
    var storage = "1Gi"

    @Option(help: "Storage class of the results volume (it must support ReadWriteMany).")
    var storageClass: String?

    @Option(help: "How long the merge job waits for every shard before merging what is there.")
    var mergeTimeout: DurationArgument = DurationArgument(argument: "1h")!

    func validate() throws {
        guard (1...Shard.maxCount).contains(shards) else {
            throw ValidationError("--shards: expected 1 to \(Shard.maxCount), found \(shards)")
        }
        guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
            throw ValidationError("--image: expected an image reference like registry.example.com/agentperf:0.1.0")
        }
        if let name, !KubernetesManifest.isObjectName(name) {
            throw ValidationError(
                "--name: expected a DNS-1123 label (lower-case letters, digits and '-', starting with a letter, at most \(KubernetesManifest.maxNameLength) characters), found \"\(name)\""
            )
        }
        if let namespace, !KubernetesManifest.isObjectName(namespace) {
            throw ValidationError("--namespace: expected a DNS-1123 label, found \"\(namespace)\"")
        }
        if let endpoint {
            guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--endpoint: expected an http(s) base URL like http://vllm:8000/v1")
            }
            // Anyone who can read the pods reads their arguments: no credential goes there.
            if url.user != nil || url.password != nil || url.query != nil {
                throw ValidationError(
                    "--endpoint: a URL with credentials or a query would be written into every pod's arguments; give the bare base URL (keys go in a Secret: docs/SCALE-OUT.md)"
                )
            }
        }
        guard startIn.spec.duration <= .seconds(24 * 3600) else { throw ValidationError("--start-in: expected at most 24h") }
        guard mergeTimeout.spec.duration <= .seconds(7 * 24 * 3600) else {
            throw ValidationError("--merge-timeout: expected at most 7 days")
        }
    }

    func run() throws {
        let file = URL(fileURLWithPath: workload)
        // Refused here, with the file's line, rather than in N pods after they start.
        let spec = try RunSpecLoader.load(contentsOf: file)
        if let problem = BenchmarkRun.shardingProblem(spec.workload, shards: shards) {
            throw CommandFailure.badInput("\(workload): cannot be split into \(shards) shards: \(problem)")
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        guard text.utf8.count <= KubernetesManifest.maxWorkloadBytes else {
            throw CommandFailure.badInput(
                "\(workload): \(text.utf8.count) bytes; at most \(KubernetesManifest.maxWorkloadBytes) fit a ConfigMap that kubectl apply can update"
            )
        }
        if endpoint == nil, spec.usesFleet, shards > 1 {
            Terminal.err(
                "warning: without --endpoint each shard runs its own built-in fleet, which then serves 1/\(shards) of the load\n")
        }
        let seconds = Double(startIn.spec.duration.components.seconds)
        let manifest = KubernetesManifest(
            name: name ?? KubernetesManifest.objectName(from: spec.workload.name), namespace: namespace, shards: shards,
            image: image, workloadText: text, startAt: Date().addingTimeInterval(seconds), endpoint: endpoint,
            storage: storage, storageClass: storageClass,
            mergeTimeoutSeconds: Int(mergeTimeout.spec.duration.components.seconds))
        Terminal.out(try manifest.render())
    }
}
