#!/usr/bin/env bash
# The README's main command (`npm run dev:example`): runs `devspace dev` on
# examples/quickstart. When no cluster is configured (no KUBECONFIG and no
# ~/.kube/config), it first brings up the local test bed and uses its
# kubeconfig. Extra arguments go to `devspace dev` (e.g. --no-tui, -b).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] && [ -z "$(find src -newer dist/cli/main.js -name '*.ts*' -print -quit)" ] || npm run --silent build
if [ -z "${KUBECONFIG:-}" ] && [ ! -f "$HOME/.kube/config" ]; then
  bash testbed/testbed.sh up
  export KUBECONFIG="$PWD/testbed/kubeconfig"
fi
cd examples/quickstart
exec node ../../bin/devspace.js dev "$@"
