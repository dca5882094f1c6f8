#!/usr/bin/env bash
# The test command (npm test): type-check, then every vitest project (unit, infra, integration).
# Integration tests start their own private moto server (installing moto first if needed).
# Ends with one plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .cache

echo "== typecheck"
npx tsc -p tsconfig.json

echo "== tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json "$@" || status=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-report.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || echo "0 passed, 1 failed"
exit "$status"
