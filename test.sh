#!/usr/bin/env bash
# Runs every test and prints one plain line: "N passed, N failed".
# Installs what the tests need when it is missing (a fresh machine has only the .NET SDK).
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dotnet.microsoft.com); install it and run again" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log="$(mktemp)"
dotnet build Runlens.slnx -c Release 2>&1 | tail -n 3
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  dotnet build Runlens.slnx -c Release 2>&1 | grep -E "error|warning" | sort -u | head -50
  echo "0 passed, 1 failed"
  exit "$build_rc"
fi

dotnet test Runlens.slnx -c Release --no-build 2>&1 | tee "$log" | grep -E "^\s*(Failed|Skipped) |Passed!|Failed!|error|Error Message" | head -200
rc=${PIPESTATUS[0]}
awk '/(Passed|Failed)!/ { for (i=1;i<=NF;i++) { if ($i=="Passed:") p+=$(i+1); if ($i=="Failed:") f+=$(i+1); if ($i=="Skipped:") s+=$(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"
