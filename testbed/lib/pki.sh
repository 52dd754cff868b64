# Certificates and kubeconfigs, made once with openssl and kept under $PKI.

sign_cert() { # name subject ext-file-content
  local name=$1 subj=$2 ext=$3
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

client_cert() { sign_cert "$1" "$2" "$(printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth')"; }

write_kubeconfig() { # file user-cert-name server
  local file=$1 name=$2 server=$3
  cat > "$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: devspace-testbed
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 < "$PKI/$name.crt")
    client-key-data: $(base64 -w0 < "$PKI/$name.key")
contexts:
- name: devspace-testbed
  context: { cluster: devspace-testbed, user: $name, namespace: default }
current-context: devspace-testbed
KC
  chmod 600 "$file"
}

ensure_pki() {
  local ip=$1
  # Certificates name the node IP; a new IP (another machine) means new certificates.
  if [ -f "$PKI/ca.crt" ] && [ "$(cat "$PKI/node-ip" 2>/dev/null)" = "$ip" ]; then return 0; fi
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=devspace-testbed-ca \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null || fail "openssl could not make the CA"
  sign_cert apiserver /CN=kube-apiserver "$(printf '%s\n' 'basicConstraints=CA:FALSE' \
    'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
    "subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,DNS:$(hostname),DNS:$NODE_NAME,IP:127.0.0.1,IP:10.0.0.1,IP:$ip")"
  client_cert admin "/O=system:masters/CN=devspace-admin"
  client_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  client_cert controller-manager /CN=system:kube-controller-manager
  client_cert scheduler /CN=system:kube-scheduler
  client_cert proxy /CN=system:kube-proxy
  client_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  echo "$ip" > "$PKI/node-ip"
  local server=https://127.0.0.1:6443 n
  for n in admin kubelet controller-manager scheduler proxy; do write_kubeconfig "$STATE/$n.kubeconfig" "$n" "$server"; done
}
