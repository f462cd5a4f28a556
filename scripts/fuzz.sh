#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time with a generated seed corpus.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build-fuzz
targets=(fuzz_ua_decode fuzz_ua_tcp fuzz_ua_channel fuzz_ua_opn fuzz_ipc_frame fuzz_wire_params fuzz_cert fuzz_rhe fuzz_dyntype fuzz_dictionary)
CC=clang cmake -S . -B "$build" -DOSM_FUZZ=ON -DOSM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}" gen_corpus >/dev/null
for t in "${targets[@]}"; do mkdir -p "$build/corpus/$t"; done
"$build/tests/fuzz/gen_corpus" "$build/corpus/fuzz_ua_decode" "$build/corpus/fuzz_ua_tcp" \
  "$build/corpus/fuzz_ua_channel" "$build/corpus/fuzz_ua_opn"
# fuzz_ua_opn mode 3 (first byte) takes a server certificate: the cert seed behind 2 bytes.
{ printf '\003\000'; cat tests/fuzz/seeds/cert/seed.der; } >"$build/corpus/fuzz_ua_opn/cert-seed"
cp tests/fuzz/seeds/ipc/* "$build/corpus/fuzz_ipc_frame/"
cp tests/fuzz/seeds/wire/* "$build/corpus/fuzz_wire_params/"
cp tests/fuzz/seeds/cert/* "$build/corpus/fuzz_cert/"
cp tests/fuzz/seeds/rhe/* "$build/corpus/fuzz_rhe/"
cp tests/fuzz/seeds/dyntype/* "$build/corpus/fuzz_dyntype/"
cp tests/fuzz/seeds/dictionary/* "$build/corpus/fuzz_dictionary/"
status=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  if (cd "$build" && "./tests/fuzz/$t" -max_total_time="$seconds" -max_len=8192 \
        -print_final_stats=1 "corpus/$t" 2> "$t.log"); then
    grep -E '^stat::number_of_executed_units' "$build/$t.log" || true
    echo "fuzz: $t ok"
  else
    tail -n 40 "$build/$t.log"
    echo "fuzz: $t FOUND A PROBLEM (reproducer in $build/)"
    status=1
  fi
done
exit $status
