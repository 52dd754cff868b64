# Shared paths and helpers for testbed.sh. Everything the test bed creates lives
# under $STATE and $RUN so `down` can remove it without touching anything else.
STATE=/var/lib/devspace-testbed
RUN=/run/devspace-testbed
LOGS=$STATE/logs
PKI=$STATE/pki
BIN=$STATE/bin/localk8s
# Helm 3, built from its upstream module (only the Helm deployment tests use it).
HELM_VERSION=v3.22.0
HELM_BIN=$STATE/helm/bin/helm
REPO_ROOT="$(cd "$HERE/.." && pwd)"
KUBECONFIG_OUT="$REPO_ROOT/testbed/kubeconfig"
REGISTRY=127.0.0.1:5000
BASE_IMAGE=$REGISTRY/devspace-base:busybox
PAUSE_IMAGE=$REGISTRY/pause:3.10
NODE_NAME=devspace-node
POD_CIDR=10.88.0.0/16
SERVICE_CIDR=10.0.0.0/24
CONTAINERD_SOCK=$RUN/containerd.sock
CI_TIMEOUT=${TESTBED_TIMEOUT:-120}

say()  { printf 'testbed: %s\n' "$*" >&2; }
# fail prints one line saying what and why, the tail of the relevant log, then
# tears down whatever was half-started and exits non-zero.
fail() {
  local msg=$1 log=${2:-}
  printf 'testbed: error: %s\n' "$msg" >&2
  if [ -n "$log" ] && [ -f "$log" ]; then
    printf -- '--- last lines of %s ---\n' "$log" >&2
    tail -n 15 "$log" >&2
  fi
  if [ "${TESTBED_NO_CLEANUP:-}" != 1 ] && declare -F testbed_down >/dev/null; then
    testbed_down >/dev/null 2>&1 || true
  fi
  exit 1
}

require_root_linux() {
  [ "$(uname -s)" = Linux ] || { echo "testbed: error: the test bed runs on Linux only (this is $(uname -s))" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "testbed: error: the test bed must run as root (it starts dockerd, containerd and the kubelet); try: sudo $0 $*" >&2; exit 1; }
}

# node_ip is the address the apiserver advertises and the kubelet registers:
# the source address of the default route, since `vm` resolves to 127.0.0.1
# and loopback addresses are not allowed as endpoints.
node_ip() {
  local ip
  ip=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1)
  if [ -z "$ip" ]; then
    ip link show devspace0 >/dev/null 2>&1 || { ip link add devspace0 type dummy && ip addr add 192.0.2.250/32 dev devspace0 && ip link set devspace0 up; }
    ip=192.0.2.250
  fi
  echo "$ip"
}

# wait_for CMD... polls a command until it succeeds or the timeout passes.
wait_for() {
  local timeout=$1; shift
  local end=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.5
  done
}

pid_alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# start_bg NAME CMD... runs a component in its own session with its log under $LOGS.
start_bg() {
  local name=$1; shift
  mkdir -p "$LOGS" "$RUN"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

kubectl_tb() { "$BIN" kubectl --kubeconfig "$STATE/admin.kubeconfig" "$@"; }
