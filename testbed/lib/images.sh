# Docker Engine, the registry, and the two images made locally: the base image
# for tests and examples (busybox: sh, tar, httpd) and the pod sandbox image.

ensure_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  say "starting dockerd"
  start_bg dockerd dockerd --host unix:///var/run/docker.sock
  touch "$RUN/dockerd.ours"
  wait_for 60 docker info || fail "dockerd did not answer within 60 s" "$LOGS/dockerd.log"
}

registry_up() { curl -fsS -m 2 "http://$REGISTRY/v2/" >/dev/null 2>&1; }

ensure_registry() {
  if registry_up; then return 0; fi
  mkdir -p "$STATE/registry"
  cat > "$STATE/registry.yml" <<YML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $STATE/registry }
  delete: { enabled: true }
http:
  addr: $REGISTRY
YML
  say "starting the registry on $REGISTRY"
  start_bg registry docker-registry serve "$STATE/registry.yml"
  wait_for 30 registry_up || fail "the registry did not answer on $REGISTRY within 30 s" "$LOGS/registry.log"
}

image_in_registry() { # repo tag
  curl -fsS -m 5 -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$1/manifests/$2" 2>/dev/null
}

busybox_rootfs() { # dir
  local root=$1 a
  rm -rf "$root"; mkdir -p "$root"/{bin,etc,tmp,root,app,var/www}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

ensure_base_image() {
  image_in_registry devspace-base busybox && return 0
  say "making the base image $BASE_IMAGE from busybox-static"
  local root="$STATE/rootfs-base"
  busybox_rootfs "$root"
  tar -C "$root" -c . | docker import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$BASE_IMAGE" >/dev/null \
    || fail "docker import of the base image failed" "$LOGS/dockerd.log"
  docker push "$BASE_IMAGE" >"$LOGS/push-base.log" 2>&1 || fail "pushing $BASE_IMAGE failed" "$LOGS/push-base.log"
  rm -rf "$root"
}

# The sandbox image is upstream's pause.c (shipped in the k8s.io/kubernetes
# module) compiled statically, so no image comes from a public registry.
ensure_pause_image() {
  image_in_registry pause 3.10 && return 0
  local src; src="$(cd "$HERE" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [ -f "$src" ] || fail "pause.c not found in the k8s.io/kubernetes module ($src)"
  local root="$STATE/rootfs-pause"
  rm -rf "$root"; mkdir -p "$root"
  gcc -Os -static -DVERSION=3.10-devspace -o "$root/pause" "$src" >"$LOGS/pause-build.log" 2>&1 \
    || fail "compiling pause.c failed" "$LOGS/pause-build.log"
  strip "$root/pause" 2>/dev/null || true
  tar -C "$root" -c . | docker import --change 'ENTRYPOINT ["/pause"]' - "$PAUSE_IMAGE" >/dev/null \
    || fail "docker import of the pause image failed"
  docker push "$PAUSE_IMAGE" >"$LOGS/push-pause.log" 2>&1 || fail "pushing $PAUSE_IMAGE failed" "$LOGS/push-pause.log"
  rm -rf "$root"
}
