#!/usr/bin/env bash
# Installs what building, running and testing need, and only what is
# missing: Debian packages (apt) and the pinned node-opcua test server (npm ci).
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

pkgs=(build-essential cmake pkg-config libuv1-dev libjansson-dev libssl-dev libcmocka-dev
      clang libclang-rt-14-dev python3 valgrind openssl)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The test server: exact versions from the committed package-lock.json.
fixture=tests/fixture
if [ ! -d "$fixture/node_modules/node-opcua" ] || [ "$fixture/package-lock.json" -nt "$fixture/node_modules/.package-lock.json" ]; then
  echo "setup: installing the node-opcua test server (npm ci)"
  (cd "$fixture" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
