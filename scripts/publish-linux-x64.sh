#!/usr/bin/env bash
# Makes a self-contained single-file Linux x64 build of runlens: one executable that needs no .NET SDK or runtime on the
# machine it runs on. The native SQLite library travels inside the file and is extracted on first use
# (IncludeNativeLibrariesForSelfExtract; to $DOTNET_BUNDLE_EXTRACT_BASE_DIR, else ~/.net). The assemblies are
# ReadyToRun-compiled (precompiled code beside the IL, so a command starts without waiting for the JIT: `runlens analyze`
# of a small log takes about 40% less CPU than with the IL-only build).
#
#   scripts/publish-linux-x64.sh [OUT]        # default OUT: artifacts/linux-x64; the file is OUT/runlens
#
# Needs the .NET 10 SDK on the build machine (and its NuGet source for the runtime packs). Check the result with
# scripts/smoke-single-file.sh OUT/runlens.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/linux-x64}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Not compressed: a compressed bundle is inflated in memory at every start (`runlens --version` took 0.49 s of CPU that
# way, the ReadyToRun code made it bigger still). Not composite: the SDK's default for a self-contained ReadyToRun
# publish compiles the whole framework again into one image, 25 minutes on 2 busy cores; the framework already ships
# precompiled, so only the application's assemblies are compiled here.
dotnet publish src/Runlens.Cli/Runlens.Cli.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=false \
  -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=false \
  -o "$out" >&2
# (no -p:DebugType=None here: a global property that differs from the plain build's rebuilds every referenced library
# into the same bin/ folders, under the feet of anything running from them, such as the test run; the symbol files the
# publish leaves beside the binary are removed instead)
rm -f "$out"/*.pdb
ls -l "$out/runlens" >&2
echo "$out/runlens"
