#!/usr/bin/env bash
# Fuzzes Runlens' input readers with AFL++ and SharpFuzz, one target after another (see fuzz/README.md).
#   fuzz/run.sh [EXECS] [SECONDS] [TARGET...]   default: 1,000,000 executions or 1,800 s per target, every target
# Needs afl++ (Debian: apt-get install afl++) and the SharpFuzz tool (dotnet tool install --global SharpFuzz.CommandLine).
# Work goes to $FUZZ_WORK (default /tmp/runlens-fuzz): the instrumented build, AFL's output per target, and
# summary.tsv with executions, coverage and findings per target. AFL runs under nice -n 19 (FUZZ_NICE), as it shares the
# machine. FUZZ_RESUME=1 goes on with a target's unfinished campaign in $FUZZ_WORK/out (same build) instead of starting
# a new one from the corpus. The committed corpora (fuzz/corpus/TARGET) are the
# seeds; fuzz/minimise.sh writes the minimised queue back there.
set -euo pipefail
cd "$(dirname "$0")/.."
EXECS="${1:-1000000}"; SECONDS_PER_TARGET="${2:-1800}"; shift $(( $# > 2 ? 2 : $# ))
WORK="${FUZZ_WORK:-/tmp/runlens-fuzz}"
export PATH="$PATH:$HOME/.dotnet/tools"
command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }
command -v sharpfuzz >/dev/null || { echo "fuzz/run.sh: sharpfuzz not found (dotnet tool install --global SharpFuzz.CommandLine)" >&2; exit 2; }

mkdir -p "$WORK"
if [ ! -f "$WORK/bin/.instrumented" ]; then
  rm -rf "$WORK/bin"
  dotnet publish fuzz/Runlens.Fuzzing -c Release -o "$WORK/bin" >/dev/null
  for dll in "$WORK"/bin/Runlens.*.dll; do
    case "$(basename "$dll")" in Runlens.Fuzzing.dll) ;; *) sharpfuzz "$dll" >/dev/null ;; esac
  done
  touch "$WORK/bin/.instrumented"
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <(ls fuzz/corpus); fi
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_QUIET=1
[ -f "$WORK/summary.tsv" ] || printf 'target\texecs\tseconds\texecs_per_s\tedges_found\tmap_density\tcorpus\tcrashes\thangs\n' >"$WORK/summary.tsv"
for t in "${targets[@]}"; do
  out="$WORK/out/$t"; s="$out/default/fuzzer_stats"
  v() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$s"; }
  if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -f "$s" ] && [ "$(v execs_done)" -lt "$EXECS" ]; then
    # the same campaign goes on (same build, same queue): AFL++ keeps counting its executions and time
    input=(-i -); echo "fuzz/run.sh: $t resumed at $(v execs_done) executions (up to $EXECS or $SECONDS_PER_TARGET s more)" >&2
  else
    rm -rf "$out"; mkdir -p "$out"; input=(-i "fuzz/corpus/$t")
    echo "fuzz/run.sh: $t (up to $EXECS executions or $SECONDS_PER_TARGET s)" >&2
  fi
  # AFL++ writes every input to a file: in memory when /dev/shm is there, one folder per campaign
  tmp="$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "$WORK")/runlens-afl-$t.XXXXXX")"
  AFL_TMPDIR="$tmp" nice -n "${FUZZ_NICE:-19}" afl-fuzz "${input[@]}" -o "$out" -t 10000 -m none -E "$EXECS" -V "$SECONDS_PER_TARGET" \
    -- dotnet "$WORK/bin/Runlens.Fuzzing.dll" "$t" >>"$out/afl.log" 2>&1 || echo "fuzz/run.sh: afl-fuzz ended with $? for $t (see $out/afl.log)" >&2
  rm -rf "$tmp"
  if [ -f "$s" ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$(v execs_done)" "$(v run_time)" "$(v execs_per_sec)" \
      "$(v edges_found)" "$(v bitmap_cvg)" "$(v corpus_count)" "$(v saved_crashes)" "$(v saved_hangs)" >>"$WORK/summary.tsv"
  fi
done
column -t -s $'\t' "$WORK/summary.tsv"
