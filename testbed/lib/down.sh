# Teardown: stop what the test bed started and remove what it created, leaving
# packages, the built binary and caches in place.

stop_pid() { # name [signal-timeout]
  local name=$1 pid
  [ -f "$RUN/$name.pid" ] || return 0
  pid=$(cat "$RUN/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

# Pods outlive the kubelet and shims outlive containerd, so remove them
# through containerd before stopping it.
remove_pod_containers() {
  [ -S "$CONTAINERD_SOCK" ] || return 0
  local c
  for c in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
  done
  sleep 1
  for c in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks delete -f "$c" >/dev/null 2>&1 || true
  done
  for c in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
  done
}

kill_leftover_shims() {
  local p
  for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
}

unmount_under() { # dir
  local m
  # Deepest first, so nested mounts come off before their parents.
  for m in $(awk -v d="$1" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r || true); do umount -l "$m" 2>/dev/null || true; done
}

# Pod network namespaces were made by containerd's CNI call; killing the tasks
# directly skips CNI DEL, so delete the namespaces (and with them the veths).
remove_pod_netns() {
  local ns
  for ns in $(ls /var/run/netns 2>/dev/null | grep '^cni-' || true); do
    if ip netns exec "$ns" ip -4 -o addr show 2>/dev/null | grep -q " ${POD_CIDR%%.0.0/16}\."; then
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
}

remove_network() {
  local l
  remove_pod_netns
  for l in $(ip -o link show master devspace-cni0 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 || true); do
    ip link del "$l" 2>/dev/null || true
  done
  ip link del devspace-cni0 2>/dev/null || true
  ip link del devspace0 2>/dev/null || true
  ip link del kube-ipvs0 2>/dev/null || true
  local t chain
  for t in filter nat mangle; do
    for chain in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/ {print $2}'); do
      { iptables -t "$t" -S 2>/dev/null | grep -E -- "-j $chain( |$)" | sed 's/^-A/-D/' || true; } | while read -r rule; do
        eval "iptables -t $t $rule" 2>/dev/null || true
      done
    done
    for chain in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/ {print $2}'); do iptables -t "$t" -F "$chain" 2>/dev/null || true; done
    for chain in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/ {print $2}'); do iptables -t "$t" -X "$chain" 2>/dev/null || true; done
  done
}

testbed_down() {
  require_root_linux
  stop_pid proxy
  stop_pid kubelet
  remove_pod_containers
  stop_pid scheduler
  stop_pid controller-manager
  stop_pid apiserver
  stop_pid etcd
  stop_pid containerd
  kill_leftover_shims
  unmount_under "$STATE/kubelet"
  unmount_under "$RUN"
  unmount_under "$STATE/containerd"
  remove_network
  stop_pid registry
  if [ -f "$RUN/dockerd.ours" ]; then
    docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
    stop_pid dockerd
    rm -f "$RUN/dockerd.ours"
    unmount_under /var/lib/docker
    unmount_under /run/docker
  fi
  # Cluster state goes; the binary, certificates, registry data and logs stay as caches.
  rm -rf "$STATE/etcd" "$STATE/kubelet" "$STATE/containerd" "$STATE/cni-ipam" "$RUN"
  rm -f "$KUBECONFIG_OUT"
  say "down"
}
