#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, type-checks, lints, then runs the
# unit, integration (real Caddy, pebble, SQLite files, Chromium) and deploy (CDK synth) projects.
set -euo pipefail
cd "$(dirname "$0")/.."
bash control-plane/scripts/ensure-deps.sh caddy pebble chromium dnsmasq-base busybox
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
mkdir -p test-artifacts
echo "== typecheck"; node_modules/.bin/tsc --noEmit -p .
echo "== lint"; node_modules/.bin/biome check --diagnostic-level=error .
echo "== tests"
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $status
