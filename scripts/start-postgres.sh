#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the history tests (docs/HISTORY.md) and
# prints its URL, postgres://agentperf:PASSWORD@127.0.0.1:PORT/agentperf. Password
# authentication (SCRAM-SHA-256), as a real deployment would use; the data directory lives under
# DIR and is removed with it. Installs Debian's postgresql when no server is on the machine.
#
#   url=$(scripts/start-postgres.sh DIR [PORT])    (a free port by default)
#   stop: scripts/start-postgres.sh --stop DIR
set -euo pipefail
if [ "${1:-}" = "--stop" ]; then
    as=(); if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
    "${as[@]}" "$(cat "$2/bin")/pg_ctl" -D "$2/data" stop -m fast >/dev/null
    exit 0
fi
dir="$1"
port="${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
bin=""
for candidate in /usr/lib/postgresql/*/bin "$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")")"; do
    if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/createdb" ]; then bin="$candidate"; break; fi
done
if [ -z "$bin" ]; then
    sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    bin="$(ls -d /usr/lib/postgresql/*/bin | tail -1)"
fi
# The server refuses to run as root: run it as the postgres user when we are root.
as=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as=(runuser -u postgres --)
fi
mkdir -p "$dir"
echo "$bin" >"$dir/bin"
password="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$password" >"$dir/password"
if [ -n "${as[*]}" ]; then chown -R postgres "$dir"; fi
"${as[@]}" "$bin/initdb" -D "$dir/data" -U agentperf --auth=scram-sha-256 --pwfile="$dir/password" >"$dir/initdb.log" 2>&1
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U agentperf agentperf
echo "postgres://agentperf:$password@127.0.0.1:$port/agentperf"
