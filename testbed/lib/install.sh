# Debian packages and the localk8s binary, each installed or built only when missing.
PACKAGES="docker.io containerd runc containernetworking-plugins docker-registry busybox-static iptables conntrack openssl curl iproute2 tmux"

ensure_packages() {
  local missing=() p
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  mkdir -p "$LOGS"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >"$LOGS/apt.log" 2>&1; then
    fail "could not install Debian packages: ${missing[*]}" "$LOGS/apt.log"
  fi
}

# The binary is rebuilt only when the module or its sources change; Go's own
# build cache (GOCACHE) makes a rebuild after a small change quick as well.
binary_key() {
  (cd "$HERE" && cat go.mod go.sum $(find cmd -name '*.go' | sort) | sha256sum | cut -c1-16)
}

ensure_binary() {
  local key; key=$(binary_key)
  if [ -x "$BIN" ] && [ "$(cat "$BIN.key" 2>/dev/null)" = "$key" ]; then return 0; fi
  command -v go >/dev/null || fail "Go is not installed; the test bed builds Kubernetes from its Go modules (Go >= 1.24 needed)"
  mkdir -p "$(dirname "$BIN")" "$LOGS"
  say "building Kubernetes components from upstream modules (cold: about 20-30 min on 2 cores; cached after)"
  local start=$SECONDS
  if ! (cd "$HERE" && go build -trimpath -ldflags "-s -w $(version_ldflags)" -o "$BIN.tmp" ./cmd/localk8s) >"$LOGS/build.log" 2>&1; then
    fail "building the Kubernetes binaries failed" "$LOGS/build.log"
  fi
  mv "$BIN.tmp" "$BIN"
  echo "$key" > "$BIN.key"
  say "built $BIN in $((SECONDS - start)) s"
}

# Stamp the version the upstream build would, so `kubectl version` and the
# node's kubeletVersion read v1.34.N instead of v0.0.0-master.
version_ldflags() {
  local v; v=$(cd "$HERE" && go list -m -f '{{.Version}}' k8s.io/kubernetes 2>/dev/null || echo v1.34.0)
  local minor; minor=$(echo "$v" | cut -d. -f2)
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.gitVersion=%s -X %s.gitMajor=1 -X %s.gitMinor=%s -X %s.gitTreeState=clean ' "$p" "$v" "$p" "$p" "$minor" "$p"
  done
}

# Helm for the Helm deployment tests, built once per version into its own folder
# (tests put it on PATH; nothing else on the machine sees it). A failed build is
# a warning, not a failure: the cluster still comes up, and the Helm tests say why.
ensure_helm() {
  if [ -x "$HELM_BIN" ] && [ "$(cat "$HELM_BIN.version" 2>/dev/null)" = "$HELM_VERSION" ]; then return 0; fi
  command -v go >/dev/null || { say "warning: no Go, so no helm for the Helm tests"; return 0; }
  mkdir -p "$(dirname "$HELM_BIN")" "$LOGS"
  say "building helm $HELM_VERSION from its upstream module (cold: about 5-10 min on 2 cores; cached after)"
  local start=$SECONDS
  if ! GOBIN="$(dirname "$HELM_BIN")" go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >"$LOGS/helm-build.log" 2>&1; then
    say "warning: building helm failed (see $LOGS/helm-build.log); the Helm deployment tests will fail"
    return 0
  fi
  echo "$HELM_VERSION" > "$HELM_BIN.version"
  say "built $HELM_BIN in $((SECONDS - start)) s"
}
