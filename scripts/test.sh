#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs every
# test: unit and integration tests (CTest, against a real node-opcua
# server), the same tests under ASan+UBSan, the unit tests and ua-probe under
# valgrind, and a bounded fuzz run of every fuzz target.
# Usage: scripts/test.sh [--quick]   (--quick: only the first step)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

scripts/setup.sh

passed=0
failed=0
run_ctest() { # label, build dir, ctest args...
  local label=$1 dir=$2; shift 2
  echo "== $label"
  local log="$dir/ctest-summary.log"
  if ctest --test-dir "$dir" --output-on-failure -j2 "$@" | tee "$log"; then :; fi
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  local total bad
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
}

echo "== build (warnings are errors)"
cmake -S . -B build -DOSM_WERROR=ON >/dev/null
cmake --build build -j2
run_ctest "tests" build

# The external protocol conformance suite, when it sits beside this checkout:
# all of it.
conformance=../shared/conformance/run
if [ -x "$conformance" ]; then
  echo "== protocol conformance suite"
  if "$conformance" --daemon build/opcua-session-manager --ipc-timeout-flag=--ipc-timeout \
       > build/conformance.log 2>&1; then
    tail -n 1 build/conformance.log
    passed=$((passed + 1))
  else
    grep -E '^(FAIL|ERROR)' build/conformance.log || tail -n 20 build/conformance.log
    echo "conformance: FAILED"
    failed=$((failed + 1))
  fi
fi

if [ $quick -eq 0 ]; then
  echo "== build with ASan+UBSan"
  cmake -S . -B build-asan -DOSM_SANITIZE=ON -DOSM_WERROR=ON >/dev/null
  cmake --build build-asan -j2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest "tests under ASan+UBSan" build-asan

  echo "== unit tests and ua-probe under valgrind"
  vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
  # test_crypto and test_policy are left to ASan: their RSA key generation (up to 4096 bits)
  # takes minutes under valgrind.
  for t in $(ctest --test-dir build -L unit -N | sed -nE 's/^ *Test +#[0-9]+: (test_[a-z0-9_]+)$/\1/p' |
             grep -v -E '^(test_crypto|test_policy)$'); do
    if "${vg[@]}" "build/tests/$t" >"build/valgrind-$t.log" 2>&1; then
      passed=$((passed + 1))
    else
      cat "build/valgrind-$t.log"; echo "valgrind: $t FAILED"; failed=$((failed + 1))
    fi
  done
  vstate=build/valgrind-fixture
  if tests/fixture/ctl.sh start "$vstate" >/dev/null; then
    if "${vg[@]}" build/ua-probe "$(cat "$vstate/endpoint")" >build/valgrind-ua-probe.log 2>&1; then
      passed=$((passed + 1))
    else
      cat build/valgrind-ua-probe.log; echo "valgrind: ua-probe FAILED"; failed=$((failed + 1))
    fi
    tests/fixture/ctl.sh stop "$vstate" >/dev/null
  else
    failed=$((failed + 1))
  fi

  if scripts/fuzz.sh "${FUZZ_SECONDS:-30}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
