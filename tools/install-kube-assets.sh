#!/usr/bin/env bash
# Lays out the envtest binaries the e2e suite needs (kube-apiserver, etcd, kubectl) in tools/kube-assets and prints that
# directory, for KUBEBUILDER_ASSETS. kube-apiserver: ../shared/kube (xz, checked against its sha256); etcd: Debian's
# etcd-server (installed with apt when missing and run as root); kubectl: tools/install-helm.sh (official 1.35 binary).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tools/kube-assets"
SHARED_KUBE="${RISKGATE_SHARED_KUBE:-$ROOT/../shared/kube}"
APISERVER_SHA256="8401df5b0ad6921caf82da9798c262f624552fe20ef336bd6e0b1441851ab6f5"
mkdir -p "$OUT"

if [ ! -x "$OUT/kube-apiserver" ] || ! echo "$APISERVER_SHA256  $OUT/kube-apiserver" | sha256sum -c --status; then
  xz_file="$(ls "$SHARED_KUBE"/kube-apiserver-*-linux-amd64.xz 2>/dev/null | head -1 || true)"
  [ -n "$xz_file" ] || { echo "install-kube-assets: no kube-apiserver-*.xz in $SHARED_KUBE" >&2; exit 1; }
  xz -dc "$xz_file" > "$OUT/kube-apiserver.tmp"
  echo "$APISERVER_SHA256  $OUT/kube-apiserver.tmp" | sha256sum -c --status \
    || { echo "install-kube-assets: $xz_file does not decompress to the expected sha256" >&2; rm -f "$OUT/kube-apiserver.tmp"; exit 1; }
  chmod 0755 "$OUT/kube-apiserver.tmp" && mv -f "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"
fi

if ! command -v etcd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
  else
    echo "install-kube-assets: etcd is missing: sudo apt-get install etcd-server" >&2; exit 1
  fi
fi
# Debian starts an etcd service on install: the suite runs its own on free ports, so a packaged one is harmless but idle.
ln -sf "$(command -v etcd)" "$OUT/etcd"

bash "$ROOT/tools/install-helm.sh" >/dev/null
ln -sf "$ROOT/tools/bin/kubectl" "$OUT/kubectl"
echo "$OUT"
