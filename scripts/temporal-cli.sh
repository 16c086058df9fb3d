#!/usr/bin/env bash
# Prints the path of a Temporal CLI that can run `server start-dev`.
# The SDK's own download of the server needs the open internet, which the network's machines lack,
# so the CLI is built once from the Go module proxy and cached between runs.
set -euo pipefail

version="${TEMPORAL_CLI_VERSION:-v1.5.1}" # later releases add a `replace` directive that breaks `go install`
cache="${ILL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ill}/bin"
target="$cache/temporal-$version"

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  if [[ -x "$TEMPORAL_CLI" ]]; then echo "$TEMPORAL_CLI"; exit 0; fi
  echo "$TEMPORAL_CLI is not an executable file" >&2
  exit 2
fi
if [[ -x "$target" ]]; then echo "$target"; exit 0; fi
if found=$(command -v temporal 2>/dev/null); then echo "$found"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "the Temporal CLI is missing and Go is not installed to build it: install Go (apt-get install golang-go) or set TEMPORAL_CLI to a temporal binary" >&2
  exit 2
fi

mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building the Temporal CLI $version from the Go module proxy (once, about two minutes)..." >&2
if ! GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "github.com/temporalio/cli/cmd/temporal@$version" >"$work/build.log" 2>&1; then
  tail -n 20 "$work/build.log" >&2
  echo "building the Temporal CLI $version failed (log above); set TEMPORAL_CLI to a temporal binary instead" >&2
  exit 2
fi
mv "$work/temporal" "$target"
echo "$target"
