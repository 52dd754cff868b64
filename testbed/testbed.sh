#!/usr/bin/env bash
# The devspace test bed: a real Docker Engine, a registry on 127.0.0.1:5000 and a
# single-node Kubernetes built from upstream modules (see testbed/README.md).
#   testbed.sh up      start everything (idempotent; seconds when already up)
#   testbed.sh down    stop everything it started and remove what it created
#   testbed.sh status  one line per component
#   testbed.sh restart apiserver [seconds-down]
#                      stop the API server, wait, start it again (fault tests)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

case "${1:-}" in
  up)     . "$HERE/lib/install.sh"; . "$HERE/lib/images.sh"; . "$HERE/lib/pki.sh"; . "$HERE/lib/cluster.sh"; . "$HERE/lib/down.sh"; testbed_up ;;
  down)   . "$HERE/lib/down.sh"; testbed_down ;;
  status) . "$HERE/lib/cluster.sh"; testbed_status ;;
  build)  . "$HERE/lib/install.sh"; require_root_linux; ensure_packages; ensure_binary; ensure_helm ;;
  restart) . "$HERE/lib/cluster.sh"; . "$HERE/lib/down.sh"; testbed_restart "${2:-}" "${3:-0}" ;;
  *) echo "usage: testbed.sh up|down|status|build|restart apiserver [seconds-down]" >&2; exit 2 ;;
esac
