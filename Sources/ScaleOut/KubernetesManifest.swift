package import Foundation
import Yams

/// The Kubernetes objects of a sharded run (`agentperf k8s-manifest`, docs/SCALE-OUT.md): a
/// ConfigMap with the workload, a PersistentVolumeClaim for results, an Indexed Job whose
/// completion index is the shard index, and a collector Job that merges the shards when all
/// have finished.
///
/// Built as a YAML node tree and emitted by Yams, so every user value (image, endpoint, the
/// workload text) is quoted by the emitter, never by string pasting.
package struct KubernetesManifest: Sendable {
    /// Object names start with this (`NAME-workload`, `NAME-shards`, …): a DNS-1123 label.
    package var name: String
    package var namespace: String?
    package var shards: Int
    package var image: String
    /// The workload file's text, mounted as `/workload/workload.yaml`.
    package var workloadText: String
    /// The wall-clock instant every shard starts its first level at.
    package var startAt: Date
    /// Where the shards send model calls (`--endpoint`); nil: each shard's own built-in fleet.
    package var endpoint: String?
    /// Size of the results volume (`1Gi`).
    package var storage: String
    package var storageClass: String?
    /// How long the collector waits for every shard's summary before merging what is there.
    package var mergeTimeoutSeconds: Int

    /// `kubectl apply` copies an object into an annotation of at most 256 KiB: the workload stays well under.
    package static let maxWorkloadBytes = 200 << 10
    /// The longest name prefix: `NAME-<stamp>-workload` and the shards' pod host names (`…-shards-<index>`) stay within 63 characters.
    package static let maxNameLength = 30

    package init(
        name: String, namespace: String? = nil, shards: Int, image: String, workloadText: String, startAt: Date,
        endpoint: String? = nil, storage: String = "1Gi", storageClass: String? = nil, mergeTimeoutSeconds: Int = 3600
    ) {
        self.name = name
        self.namespace = namespace
        self.shards = shards
        self.image = image
        self.workloadText = workloadText
        self.startAt = startAt
        self.endpoint = endpoint
        self.storage = storage
        self.storageClass = storageClass
        self.mergeTimeoutSeconds = mergeTimeoutSeconds
    }

    /// A DNS-1123 label made from `text` (a workload's name): lower-case letters, digits and
    /// dashes, at most `maxNameLength` characters.
    package static func objectName(from text: String) -> String {
        var name = String(
            text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" }.prefix(maxNameLength))
        while name.hasPrefix("-") { name.removeFirst() }
        while name.hasSuffix("-") { name.removeLast() }
        return name.isEmpty ? "agentperf" : name
    }

    /// True when `name` is a DNS-1123 label of at most `maxNameLength` characters.
    package static func isObjectName(_ name: String) -> Bool {
        guard (1...maxNameLength).contains(name.count), let first = name.first, let last = name.last else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && first.isLetter && (last.isLetter || last.isNumber)
    }

    /// The four objects as one multi-document YAML stream.
    package func render() throws -> String {
        let documents = [configMap, volumeClaim, shardJob, mergeJob]
        return try Yams.serialize(nodes: documents, width: -1, allowUnicode: true, explicitStart: true)
    }

    // MARK: Objects

    private var start: String { startAt.formatted(Date.ISO8601FormatStyle()) }
    /// This run's mark in object names and paths (`20261202-0330`), so that the manifest of the
    /// next run is new objects and a new results folder, never a clash with this one's.
    package var stamp: String {
        startAt.formatted(
            Date.ISO8601FormatStyle().year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
                .timeSeparator(.omitted)
        ).lowercased().replacingOccurrences(of: "t", with: "-").replacingOccurrences(of: "z", with: "")
    }
    private var run: String { "\(name)-\(stamp)" }
    private var results: String { "/results/\(name)/\(stamp)" }

    private func metadata(_ suffix: String, run: Bool = true) -> Node {
        var pairs: [(Node, Node)] = [("name", text("\(run ? self.run : name)-\(suffix)"))]
        if let namespace { pairs.append(("namespace", text(namespace))) }
        pairs.append(("labels", labels))
        return map(pairs)
    }

    private var labels: Node { map([("app.kubernetes.io/name", "agentperf"), ("agentperf.dev/run", text(name))]) }

    private var configMap: Node {
        map([
            ("apiVersion", "v1"), ("kind", "ConfigMap"), ("metadata", metadata("workload")),
            ("data", map([("workload.yaml", Node(workloadText, .implicit, .literal)), ("start-at", text(start))])),
        ])
    }

    private var volumeClaim: Node {
        var spec: [(Node, Node)] = [
            // Every shard's pod and the collector mount it, on whichever nodes they land.
            ("accessModes", list([Node("ReadWriteMany")])),
            ("resources", map([("requests", map([("storage", text(storage))]))])),
        ]
        if let storageClass { spec.append(("storageClassName", text(storageClass))) }
        return map([
            ("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", metadata("results", run: false)),
            ("spec", map(spec)),
        ])
    }

    private var shardJob: Node {
        var arguments = [
            "run", "/workload/workload.yaml", "--shard", "$(SHARD_INDEX)/\(shards)", "--start-at", start, "--out",
            "\(results)/shard-$(SHARD_INDEX)", "--no-history", "--quiet",
        ]
        if let endpoint { arguments += ["--endpoint", endpoint] }
        let container = map([
            ("name", "shard"), ("image", text(image)),
            (
                "env",
                Node([
                    map([
                        ("name", "SHARD_INDEX"),
                        (
                            "valueFrom",
                            map([
                                (
                                    "fieldRef",
                                    map([("fieldPath", "metadata.annotations['batch.kubernetes.io/job-completion-index']")])
                                )
                            ])
                        ),
                    ])
                ])
            ),
            ("args", list(arguments.map(text))),
            ("volumeMounts", mounts(workload: true)),
        ])
        return job(
            "shards",
            spec: [
                ("completionMode", "Indexed"), ("completions", number(shards)), ("parallelism", number(shards)),
                // A shard run again would start after the shared start time: its share would skew the merge.
                ("backoffLimit", number(0)),
            ], container: container, workload: true)
    }

    private var mergeJob: Node {
        // Waits for every shard's summary.json (written as its run ends), then merges; after the
        // timeout it merges anyway, and merge names the shards that are missing. No history on
        // the shared volume: SQLite's write-ahead log is unsafe on network file systems.
        let script = """
            deadline=$(( $(date +%s) + \(mergeTimeoutSeconds) ))
            until [ "$(ls \(results)/shard-*/summary.json 2>/dev/null | wc -l)" -ge \(shards) ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 5; done
            if [ "$(ls \(results)/shard-*/summary.json 2>/dev/null | wc -l)" -lt \(shards) ]; then
              echo "merge: after \(mergeTimeoutSeconds) s, only these shards have finished:" >&2; ls -d \(results)/shard-* >&2; exit 1
            fi
            exec agentperf merge \(results)/shard-* --out \(results)/merged --no-history
            """
        let container = map([
            ("name", "merge"), ("image", text(image)), ("command", list(["/bin/sh", "-c"])),
            ("args", list([Node(script, .implicit, .literal)])), ("volumeMounts", mounts(workload: false)),
        ])
        return job("merge", spec: [("backoffLimit", number(0))], container: container, workload: false)
    }

    private func job(_ suffix: String, spec: [(Node, Node)], container: Node, workload: Bool) -> Node {
        var volumes: [Node] = [
            map([("name", "results"), ("persistentVolumeClaim", map([("claimName", text("\(name)-results"))]))])
        ]
        if workload {
            volumes.insert(map([("name", "workload"), ("configMap", map([("name", text("\(run)-workload"))]))]), at: 0)
        }
        let pod = map([
            ("metadata", map([("labels", labels)])),
            (
                "spec",
                map([
                    ("restartPolicy", "Never"),
                    // The image's user; fsGroup makes the results volume writable to it (NFS ignores it: see docs).
                    (
                        "securityContext",
                        map([("runAsUser", number(10001)), ("runAsGroup", number(10001)), ("fsGroup", number(10001))])
                    ),
                    ("containers", list([container])), ("volumes", list(volumes)),
                ])
            ),
        ])
        return map([
            ("apiVersion", "batch/v1"), ("kind", "Job"), ("metadata", metadata(suffix)),
            ("spec", map(spec + [("template", pod)])),
        ])
    }

    private func mounts(workload: Bool) -> Node {
        var mounts = [map([("name", "results"), ("mountPath", "/results")])]
        if workload {
            mounts.insert(map([("name", "workload"), ("mountPath", "/workload"), ("readOnly", Node("true"))]), at: 0)
        }
        return list(mounts)
    }

    /// A string scalar, quoted when plain YAML could read it as something else: a number, a
    /// timestamp (anything starting with a digit), a YAML 1.1 boolean, or null.
    private func text(_ value: String) -> Node {
        let ambiguous =
            value.first.map { $0.isNumber || $0 == "." || $0 == "+" } ?? true
            || (value.first == "-" && value.dropFirst().first.map { $0.isNumber || $0 == " " } ?? true)
            || ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(value.lowercased())
        return Node(value, .implicit, ambiguous ? .doubleQuoted : .any)
    }

    private func number(_ value: Int) -> Node { Node(String(value)) }

    private func map(_ pairs: [(Node, Node)]) -> Node { Node(pairs) }

    private func list(_ nodes: [Node]) -> Node { Node(nodes) }
}
