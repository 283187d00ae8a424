#!/usr/bin/env python3
"""The API discovery documents of a Kubernetes API server, for exactly the kinds that
`agentperf k8s-manifest` prints (ConfigMap, PersistentVolumeClaim, Job), served on loopback so
that `kubectl create --dry-run=client` can map each object to its resource without a cluster.

kubectl's client-side dry run still asks the server which resources exist (GET /api, /apis,
/api/v1, /apis/batch/v1); it validates nothing against them. The schema check is done by
kubernetes-validate (scripts/check-k8s.sh). Prints the port it listens on, then serves until killed.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def resource(name, kind, namespaced=True):
    return {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}


DOCUMENTS = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "batch", "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        resource("configmaps", "ConfigMap"), resource("persistentvolumeclaims", "PersistentVolumeClaim"),
        resource("namespaces", "Namespace", namespaced=False)]},
    "/apis/batch/v1": {"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [resource("jobs", "Job")]},
}


class Discovery(BaseHTTPRequestHandler):
    def do_GET(self):
        document = DOCUMENTS.get(self.path.split("?")[0])
        body = json.dumps(document if document is not None else {"kind": "Status", "code": 404}).encode()
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
print(server.server_address[1], flush=True)
server.serve_forever()
