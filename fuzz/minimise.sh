#!/usr/bin/env bash
# Minimises each fuzzed target's AFL++ queue (from fuzz/run.sh) into fuzz/corpus/TARGET with afl-cmin.
#   fuzz/minimise.sh [TARGET...]
# FUZZ_QUEUES names another folder of AFL++ outputs (default $FUZZ_WORK/out), e.g. an earlier campaign's.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${FUZZ_WORK:-/tmp/runlens-fuzz}"
# AFL_ALLOW_TMP: afl-cmin refuses work under /tmp without it; afl-cmin needs the full path of dotnet.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_ALLOW_TMP=1
DOTNET="$(command -v dotnet)"
targets=("$@")
QUEUES="${FUZZ_QUEUES:-$WORK/out}"
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <(ls "$QUEUES"); fi
for t in "${targets[@]}"; do
  queue="$QUEUES/$t/default/queue"
  [ -d "$queue" ] || continue
  rm -rf "$WORK/min/$t"
  afl-cmin -i "$queue" -o "$WORK/min/$t" -t 10000 -m none -- "$DOTNET" "$WORK/bin/Runlens.Fuzzing.dll" "$t" >/dev/null 2>&1 \
    || { echo "fuzz/minimise.sh: afl-cmin failed for $t" >&2; continue; }
  rm -rf "fuzz/corpus/$t"; mkdir -p "fuzz/corpus/$t"
  n=0; for f in "$WORK/min/$t"/*; do cp "$f" "fuzz/corpus/$t/$(printf '%04d' $n)"; n=$((n+1)); done
  echo "$t: $(ls "$queue" | grep -c '^id') queued -> $n kept ($(du -sh "fuzz/corpus/$t" | cut -f1))"
done
