#!/usr/bin/env bash
# Fails when the C sources use unbounded or unsafe libc calls (see STYLE.md).
set -euo pipefail
root=${1:-.}
pattern='\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|atof|strtok|tmpnam)\s*\('
if hits=$(grep -rnE "$pattern" "$root/src" "$root/tests" --include='*.c' --include='*.h' 2>/dev/null); then
  echo "banned libc calls (use snprintf, memcpy with a checked length, strtol...):"
  echo "$hits"
  exit 1
fi
echo "lint: no banned calls"
