#!/usr/bin/env bash
# Applies .clang-format to every C source and header of the project.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.c' '*.h' | xargs clang-format -i
