#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the local
# demo OPC UA server (node-opcua, the project's test fixture) on a free
# loopback port. Stop with Ctrl-C.
# Usage: scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build >/dev/null
cmake --build build -j2 >/dev/null
state=build/run-state
mkdir -p "$state"
tests/fixture/ctl.sh start "$state"
trap 'tests/fixture/ctl.sh stop "$state"' EXIT INT TERM
echo "demo OPC UA server listening on $(cat "$state/endpoint") (log: $state/server.log)"
echo "press Ctrl-C to stop"
while kill -0 "$(cat "$state/server.pid")" 2>/dev/null; do sleep 1; done
