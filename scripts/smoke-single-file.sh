#!/usr/bin/env bash
# Smoke test of the single-file build on a machine without .NET: runs BINARY from a fresh folder with an environment
# that has no dotnet (an empty PATH, no DOTNET_ROOT, a fresh HOME), and checks that
#   1. `runlens analyze` of an example run prints its diagnosis (JSON, schema runlens.diagnosis/v2), and
#   2. `runlens serve` answers GET /health with OK.
# Prints "N passed, N failed" and exits non-zero when a check failed.
#
#   scripts/smoke-single-file.sh artifacts/linux-x64/runlens
set -uo pipefail
bin="$(readlink -f "${1:?usage: smoke-single-file.sh BINARY}")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/bin" "$work/home" "$work/run"
cp "$bin" "$work/bin/runlens"
cp -r "$repo/examples/hf-trainer-multi-eval-overfit" "$work/run/example"
passed=0; failed=0
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok: $2"; else failed=$((failed + 1)); echo "FAILED: $2" >&2; fi; }

# what the binary sees: no dotnet anywhere on PATH, no runtime location, nothing in HOME
clean=(env -i "PATH=$work/bin" "HOME=$work/home" "DOTNET_BUNDLE_EXTRACT_BASE_DIR=$work/home/.net" "NO_COLOR=1")
if "${clean[@]}" /bin/sh -c 'command -v dotnet' >/dev/null 2>&1; then check 1 "dotnet is not on the smoke PATH"; else check 0 "dotnet is not on the smoke PATH"; fi

cd "$work/run"
"${clean[@]}" "$work/bin/runlens" analyze example --format json > analyze.json 2> analyze.err
rc=$?
grep -q '"schema": "runlens.diagnosis/v2"' analyze.json && grep -q '"rule": "overfitting"' analyze.json
check $(( rc != 0 || $? != 0 )) "runlens analyze example --format json (exit $rc$( [ -s analyze.err ] && echo "; $(head -c 300 analyze.err)"))"

port=$(( 20000 + RANDOM % 20000 ))
"${clean[@]}" "$work/bin/runlens" serve --store "$work/run/runs.db" --urls "http://127.0.0.1:$port" > serve.out 2> serve.err &
server=$!
ok=1
for _ in $(seq 1 150); do
  if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    answer="$(cat <&3)"; exec 3<&-
    case "$answer" in *" 200 "*OK*) ok=0; break ;; esac
  fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
check $ok "runlens serve answers /health ($(head -n 1 serve.err | head -c 300))"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
