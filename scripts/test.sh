#!/usr/bin/env bash
# The one test command (README, .ci/run): type-check, then every jest suite against real Redis,
# the Loops emulator, the official stripe packages and headless Chromium. Ends with the line
# "N passed, N failed" that CI reads.
set -u
cd "$(dirname "$0")/.."
report=$(mktemp)
failed_checks=0

if ! npx tsc -p tsconfig.json --noEmit; then
  echo "typecheck: FAILED"
  failed_checks=1
fi

npx jest --json --outputFile="$report" "$@"
jest_status=$?

node -e '
  const fs = require("fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  const extra = Number(process.argv[2]);
  const passed = r.numPassedTests ?? 0;
  // A suite that fails to load has no failed tests of its own: count it, so it cannot hide.
  const brokenSuites = (r.testResults ?? []).filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  const failed = (r.numFailedTests ?? 0) + brokenSuites + extra + (r.numTotalTests === undefined ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
' "$report" "$failed_checks"
summary_status=$?
rm -f "$report"
[ $summary_status -eq 0 ] && [ $jest_status -eq 0 ]
