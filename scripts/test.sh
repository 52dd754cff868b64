#!/usr/bin/env bash
# The one test command (`npm test`): builds, brings up the local test bed when
# no cluster is given, runs every test (unit and end-to-end) and prints the
# closing "N passed, N failed" line from vitest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent build || { echo "build failed"; exit 1; }
if [ -z "${DEVSPACE_TEST_KUBECONFIG:-}" ]; then
  bash testbed/testbed.sh up || { echo "the test bed did not come up; see the error above"; exit 1; }
  export DEVSPACE_TEST_KUBECONFIG="$PWD/testbed/kubeconfig"
fi
rm -f test-results.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results.json "$@"
rc=$?
node scripts/test-summary.js test-results.json || rc=1
exit $rc
