# containerd, CNI, the control plane and the kubelet; `up` and `status`.

write_containerd_config() {
  mkdir -p "$STATE/containerd-certs.d/$REGISTRY" "$STATE/containerd-certs.d/localhost:5000" "$RUN"
  local h
  for h in "$REGISTRY" localhost:5000; do
    cat > "$STATE/containerd-certs.d/$h/hosts.toml" <<TOML
server = "http://$h"
[host."http://$h"]
  capabilities = ["pull", "resolve"]
TOML
  done
  cat > "$STATE/containerd.toml" <<TOML
version = 2
root = "$STATE/containerd"
state = "$RUN/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  tolerate_missing_hugetlb_controller = true
  # This VM withholds CAP_SYS_RESOURCE, so lowering oom_score_adj (the sandbox
  # asks for -998) kills runc init; clamp to the daemon's own score instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$STATE/containerd-certs.d"
TOML
  mkdir -p "$STATE/cni"
  # firewall: Docker sets the FORWARD policy to DROP, which would cut pod traffic on the bridge.
  cat > "$STATE/cni/10-devspace.conflist" <<JSON
{ "cniVersion": "1.0.0", "name": "devspace-testbed", "plugins": [
  { "type": "bridge", "bridge": "devspace-cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }],
              "dataDir": "$STATE/cni-ipam" } },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "firewall" } ] }
JSON
}

write_kubelet_config() {
  local ip=$1
  mkdir -p "$STATE/kubelet"
  cat > "$STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: $PKI/ca.crt } }
authorization: { mode: AlwaysAllow }
readOnlyPort: 0
# The apiserver reaches the kubelet at the node IP for exec, logs and port-forward.
address: $ip
healthzBindAddress: 127.0.0.1
# The VM's disk looks ~70% used through reserved blocks; without these the node
# gets DiskPressure and image GC may delete the pause image.
imageGCHighThresholdPercent: 100
evictionHard: { memory.available: "100Mi", nodefs.available: "0%", nodefs.inodesFree: "0%", imagefs.available: "0%" }
# Verify the kernel tunables instead of rewriting them (upstream sets panic_on_oops=1).
protectKernelDefaults: true
serializeImagePulls: false
YAML
}

# The kubelet checks these when protectKernelDefaults is on; values are upstream's.
set_sysctls() {
  sysctl -qw vm.overcommit_memory=1 vm.panic_on_oom=0 kernel.panic=10 kernel.panic_on_oops=1 \
    kernel.keys.root_maxkeys=1000000 kernel.keys.root_maxbytes=25000000 \
    fs.inotify.max_user_instances=1024 fs.inotify.max_user_watches=1048576 net.ipv4.ip_forward=1 >/dev/null 2>&1 || true
}

apiserver_ready() { curl -fsS -m 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" https://127.0.0.1:6443/readyz; }
node_ready() { kubectl_tb get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; }
default_sa() { kubectl_tb -n default get serviceaccount default; }

start_containerd() {
  pid_alive containerd && return 0
  write_containerd_config
  start_bg containerd containerd --config "$STATE/containerd.toml"
  wait_for 30 ctr --address "$CONTAINERD_SOCK" version || fail "containerd did not start within 30 s" "$LOGS/containerd.log"
}

start_control_plane() {
  local ip=$1
  pid_alive etcd || start_bg etcd "$BIN" etcd "$STATE/etcd"
  wait_for 30 curl -fsS -m 2 http://127.0.0.1:2379/health || fail "etcd did not become healthy within 30 s" "$LOGS/etcd.log"
  pid_alive apiserver || start_bg apiserver "$BIN" apiserver \
    --etcd-servers=http://127.0.0.1:2379 --secure-port=6443 --bind-address=0.0.0.0 --advertise-address="$ip" \
    --service-cluster-ip-range=$SERVICE_CIDR --allow-privileged=true --authorization-mode=Node,RBAC \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP,Hostname --enable-priority-and-fairness=false
  wait_for "$CI_TIMEOUT" apiserver_ready || fail "kube-apiserver was not ready within ${CI_TIMEOUT} s" "$LOGS/apiserver.log"
  pid_alive controller-manager || start_bg controller-manager "$BIN" controller-manager \
    --kubeconfig="$STATE/controller-manager.kubeconfig" --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" --service-cluster-ip-range=$SERVICE_CIDR --leader-elect=false \
    --bind-address=127.0.0.1 --use-service-account-credentials=true
  pid_alive scheduler || start_bg scheduler "$BIN" scheduler --kubeconfig="$STATE/scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1
}

start_node() {
  local ip=$1
  write_kubelet_config "$ip"
  pid_alive kubelet || start_bg kubelet "$BIN" kubelet --config="$STATE/kubelet.yaml" \
    --kubeconfig="$STATE/kubelet.kubeconfig" --node-ip="$ip" --hostname-override="$NODE_NAME" \
    --root-dir="$STATE/kubelet" --pod-infra-container-image="$PAUSE_IMAGE" --v=1
  wait_for "$CI_TIMEOUT" node_ready || fail "the node did not become Ready within ${CI_TIMEOUT} s" "$LOGS/kubelet.log"
  pid_alive proxy || start_bg proxy "$BIN" proxy --kubeconfig="$STATE/proxy.kubeconfig" \
    --hostname-override="$NODE_NAME" --cluster-cidr=$POD_CIDR --proxy-mode=iptables --conntrack-max-per-core=0 \
    --bind-address=127.0.0.1 --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256
  wait_for "$CI_TIMEOUT" default_sa || fail "the default service account did not appear within ${CI_TIMEOUT} s" "$LOGS/controller-manager.log"
}

# True when a component the test bed started is recorded but no longer runs.
stale_run() {
  local f
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    kill -0 "$(cat "$f")" 2>/dev/null || return 0
  done
  return 1
}

all_up() {
  local c
  for c in containerd etcd apiserver controller-manager scheduler kubelet proxy; do pid_alive "$c" || return 1; done
  apiserver_ready && node_ready && registry_up && docker info
}

testbed_up() {
  require_root_linux
  local start=$SECONDS
  if [ -x "$BIN" ] && [ -f "$PKI/ca.crt" ] && all_up >/dev/null 2>&1; then
    ensure_helm
    install_kubeconfig; say "already up ($((SECONDS - start)) s)"; print_usage; return 0
  fi
  ensure_packages
  ensure_binary
  ensure_helm
  # Processes of an earlier run that were killed (a session ending, kill -9)
  # leave pods, mounts, interfaces and pid files behind: clear them first.
  if stale_run; then
    say "clearing what a stopped test bed left behind"
    testbed_down >/dev/null 2>&1 || true
  fi
  mount --make-rshared / 2>/dev/null || true
  set_sysctls
  local ip; ip=$(node_ip)
  ensure_dockerd
  ensure_registry
  ensure_pause_image
  ensure_base_image
  ensure_pki "$ip"
  start_containerd
  start_control_plane "$ip"
  start_node "$ip"
  install_kubeconfig
  say "up in $((SECONDS - start)) s"
  print_usage
}

install_kubeconfig() { cp "$STATE/admin.kubeconfig" "$KUBECONFIG_OUT"; chmod 600 "$KUBECONFIG_OUT"; }

print_usage() {
  cat >&2 <<TXT
testbed: kubeconfig written to $KUBECONFIG_OUT
testbed:   export KUBECONFIG=$KUBECONFIG_OUT
testbed:   registry $REGISTRY, base image $BASE_IMAGE; kubectl: $BIN kubectl
TXT
}

testbed_status() {
  local c state rc=0
  for c in dockerd registry containerd etcd apiserver controller-manager scheduler kubelet proxy; do
    if pid_alive "$c"; then state="running (pid $(cat "$RUN/$c.pid"))"
    elif [ "$c" = dockerd ] && docker info >/dev/null 2>&1; then state="running (not started by the test bed)"
    elif [ "$c" = registry ] && registry_up 2>/dev/null; then state="running (not started by the test bed)"
    else state="stopped"; rc=1; fi
    printf '%-20s %s\n' "$c" "$state"
  done
  if [ -f "$STATE/admin.kubeconfig" ] && node_ready 2>/dev/null; then printf '%-20s %s\n' node Ready; else printf '%-20s %s\n' node "not ready"; rc=1; fi
  return $rc
}

# Stop one control-plane component and start it again with the same flags, so
# fault tests can watch clients ride out an outage. Only the API server for now.
testbed_restart() { # component seconds-down
  local component=$1 down=$2
  [ "$component" = apiserver ] || { echo "testbed: restart supports: apiserver" >&2; return 2; }
  pid_alive apiserver || fail "the API server is not running; run \`testbed.sh up\` first"
  local start=$SECONDS
  stop_pid apiserver
  say "apiserver stopped"
  sleep "$down"
  start_control_plane "$(node_ip)"
  say "apiserver back after $((SECONDS - start)) s"
}
