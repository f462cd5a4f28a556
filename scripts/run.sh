#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs the daemon
# opcua-session-manager in the foreground. Without --server it also starts
# the local demo OPC UA server (the project's node-opcua fixture) on a free
# loopback port, so there is something to talk to. Stop with Ctrl-C.
# Usage: scripts/run.sh [--server opc.tcp://HOST:PORT] [daemon options, see --help]
set -euo pipefail
cd "$(dirname "$0")/.."
server=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=${2:?--server needs a URL}; shift 2 ;;
    --server=*) server=${1#--server=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

scripts/setup.sh
cmake -S . -B build >/dev/null
cmake --build build -j2 >/dev/null

state=build/run-state
mkdir -p "$state"
if [ -z "$server" ]; then
  tests/fixture/ctl.sh start "$state"
  trap 'tests/fixture/ctl.sh stop "$state" >/dev/null' EXIT
  server=$(cat "$state/endpoint")
  echo "demo OPC UA server: $server (log: $state/server.log)"
fi

socket=/tmp/opcua-session-manager.sock
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --socket) socket=${args[$((i + 1))]:-$socket} ;;
    --socket=*) socket=${args[$i]#--socket=} ;;
  esac
done
socket=${socket#unix://}
cat <<EOT
daemon socket: $socket   (Ctrl-C stops the daemon and the demo server)
try, from another terminal:
  build/opcua-sm --socket "$socket" open "$server"
EOT
build/opcua-session-manager "${args[@]}"
