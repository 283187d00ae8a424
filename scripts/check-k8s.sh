#!/usr/bin/env bash
# Validates what `agentperf k8s-manifest` prints, offline:
#   1. kubernetes-validate (PyPI) against Kubernetes 1.32's published schemas, strict (an unknown
#      or misplaced field fails), for several shapes of manifest;
#   2. kubectl create --dry-run=client (Debian's kubectl 1.32), which parses the stream and maps
#      each object to its resource; a client dry run still asks an API server which resources
#      exist, so scripts/k8s-discovery.py answers those discovery requests on loopback.
# A deliberately broken manifest must fail step 1, so the check itself is checked.
#
#   scripts/check-k8s.sh [AGENTPERF_BINARY] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/agentperf}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
venv="$work/venv"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "kubernetes-validate==1.37.0"
fi
validate() { "$venv/bin/kubernetes-validate" --strict --quiet -k 1.32.0 "$@"; }

"$bin" k8s-manifest examples/routing.yaml --shards 4 --image registry.example.com/agentperf:0.1.0 \
    --endpoint http://vllm.bench.svc:8000/v1 >"$work/endpoint.yaml"
"$bin" k8s-manifest examples/routing.yaml --shards 16 --image agentperf:local --name nightly \
    --namespace bench --storage 20Gi --storage-class nfs-client --start-in 10m --merge-timeout 3h \
    >"$work/named.yaml" 2>/dev/null
"$bin" k8s-manifest examples/control.yaml --shards 1 --image agentperf:0.1.0 >"$work/single.yaml" 2>/dev/null
for manifest in "$work/endpoint.yaml" "$work/named.yaml" "$work/single.yaml"; do
    validate "$manifest"
done
# A workload whose smallest level has fewer agents than shards is refused (exit 2), not deployed.
if "$bin" k8s-manifest examples/coding-agent.yaml --shards 4 --image x >/dev/null 2>"$work/refused.txt"; then
    echo "check-k8s: a workload with a c=1 level was accepted for 4 shards" >&2
    exit 1
fi

sed 's/completionMode: Indexed/completionMode: Indexed\n  completionz: 4/' "$work/endpoint.yaml" >"$work/broken.yaml"
if validate "$work/broken.yaml" >/dev/null 2>&1; then
    echo "check-k8s: a manifest with an unknown field passed validation; the check checks nothing" >&2
    exit 1
fi

if ! command -v kubectl >/dev/null 2>&1; then
    echo "check-k8s: 3 manifests valid against Kubernetes 1.32 (strict); kubectl is not installed, so its dry run did not run" >&2
    exit 0
fi
python3 scripts/k8s-discovery.py >"$work/discovery.port" &
discovery=$!
trap 'kill $discovery 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/discovery.port" ] && break; sleep 0.1; done
server="http://127.0.0.1:$(cat "$work/discovery.port")"
for manifest in "$work/endpoint.yaml" "$work/named.yaml" "$work/single.yaml"; do
    objects=$(kubectl --server "$server" create --dry-run=client --validate=false -f "$manifest" -o name)
    count=$(echo "$objects" | wc -l)
    if [ "$count" -ne 4 ]; then
        echo "check-k8s: kubectl mapped $count objects of $manifest, expected 4:" >&2
        echo "$objects" >&2
        exit 1
    fi
done
echo "check-k8s: 3 manifests valid against Kubernetes 1.32 (strict) and accepted by kubectl create --dry-run=client"
