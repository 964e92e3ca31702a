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

# A real PostgreSQL on 127.0.0.1 for the store contract tests: installed when missing (Debian), started in a temporary
# folder, stopped on exit. Without it those tests are skipped and say why.
start_postgres() {
  local initdb
  initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$initdb" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing postgresql" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1
    initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  fi
  if [ -z "$initdb" ]; then
    echo "test.sh: PostgreSQL not available; its store tests will be skipped" >&2
    return
  fi
  PGBIN="$(dirname "$initdb")"; PGDATA="$(mktemp -d)"; AS_PG=""
  # the first free port from 54329 on, so two test runs on one machine do not collide
  PGPORT=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDATA"; AS_PG="runuser -u postgres --"; fi
  if $AS_PG "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
     && $AS_PG "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c max_connections=400" start >/dev/null 2>&1; then
    trap '$AS_PG "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1; rm -rf "$PGDATA"' EXIT
    export RUNLENS_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
  else
    echo "test.sh: PostgreSQL did not start (see $PGDATA/server.log); its store tests will be skipped" >&2
  fi
}
start_postgres

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded). Without it those tests are
# skipped and say why.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test.sh: installing chromium" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "test.sh: chromium could not be installed; the browser tests will be skipped" >&2
fi

# Debian's python3 with PyTorch for the Python callback tests (a tiny real training loop); without it those tests are
# skipped and say why.
if ! /usr/bin/python3 -c "import torch" >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test.sh: installing python3-torch" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch) >/dev/null 2>&1 \
    || echo "test.sh: python3-torch could not be installed; the callback's torch tests will be skipped" >&2
fi

# Debian's python3-venv, for the Python package tests (a real pip install into a virtual environment); without it those
# tests fail and say so.
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s python3-venv >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test.sh: installing python3-venv" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv) >/dev/null 2>&1 \
    || echo "test.sh: python3-venv could not be installed; the Python package tests will fail" >&2
fi

# Debian's python3-aiosmtpd, the real SMTP server the e-mail alert tests start on 127.0.0.1; without it those tests are
# skipped and say why.
if ! /usr/bin/python3 -c "import aiosmtpd.smtp" >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test.sh: installing python3-aiosmtpd" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd) >/dev/null 2>&1 \
    || echo "test.sh: python3-aiosmtpd could not be installed; the e-mail alert tests will be skipped" >&2
fi

# The data-audit tests make their media with Debian's python3 (PIL, NumPy, OpenCV, SciPy, scikit-image,
# scikit-learn) and espeak-ng, sox, flac, oggenc and lame; without them those tests are skipped and say why.
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && { ! /usr/bin/python3 -c "import PIL, numpy, cv2, scipy, skimage, sklearn" >/dev/null 2>&1 \
     || ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null || ! command -v flac >/dev/null \
     || ! command -v oggenc >/dev/null || ! command -v lame >/dev/null; }; then
  echo "test.sh: installing the audit test media tools" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pil python3-numpy python3-opencv \
     python3-scipy python3-skimage python3-sklearn espeak-ng sox flac vorbis-tools lame) >/dev/null 2>&1 \
    || echo "test.sh: the audit media tools could not be installed; the audit media tests will be skipped" >&2
fi

log="$(mktemp)"
dotnet build Runlens.slnx -c Release 2>&1 | tail -n 3
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  dotnet build Runlens.slnx -c Release 2>&1 | grep -E "error|warning" | sort -u | head -50
  echo "0 passed, 1 failed"
  exit "$build_rc"
fi

# The single-file build test publishes the self-contained linux-x64 binary (81 s on the idle 2-core machine) and runs it
# with no dotnet on PATH; RUNLENS_SINGLE_FILE=0 skips it for a quicker local run.
export RUNLENS_SINGLE_FILE="${RUNLENS_SINGLE_FILE:-1}"
dotnet test Runlens.slnx -c Release --no-build 2>&1 | tee "$log" | grep -E "^\s*(Failed|Skipped) |Passed!|Failed!|error|Error Message" | head -200
rc=${PIPESTATUS[0]}
# each failure's message (its first lines), so that a CI log says why
awk '/^  Failed / { print; c = 5; next } c > 0 && !/^[ \t]+at / && !/Stack Trace:/ { print; c-- }' "$log" | head -100
awk '/(Passed|Failed)!/ { for (i=1;i<=NF;i++) { if ($i=="Passed:") p+=$(i+1); if ($i=="Failed:") f+=$(i+1); if ($i=="Skipped:") s+=$(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"
