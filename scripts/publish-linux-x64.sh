#!/usr/bin/env bash
# Makes a self-contained single-file Linux x64 build of runlens: one executable that needs no .NET SDK or runtime on the
# machine it runs on. The native SQLite library travels inside the file and is extracted on first use
# (IncludeNativeLibrariesForSelfExtract; to $DOTNET_BUNDLE_EXTRACT_BASE_DIR, else ~/.net).
#
#   scripts/publish-linux-x64.sh [OUT]        # default OUT: artifacts/linux-x64; the file is OUT/runlens
#
# Needs the .NET 10 SDK on the build machine (and its NuGet source for the runtime packs). Check the result with
# scripts/smoke-single-file.sh OUT/runlens.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/linux-x64}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/Runlens.Cli/Runlens.Cli.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
  -p:DebugType=None -p:GenerateDocumentationFile=false -o "$out" >&2
rm -f "$out"/*.pdb
ls -l "$out/runlens" >&2
echo "$out/runlens"
