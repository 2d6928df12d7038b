#!/usr/bin/env bash
# Bench: how long the built image takes from `podman run` to /healthz 200 (read-only root, host network on loopback), N runs.
# Usage: bash bench/image-start.sh [runs]   (image: RISKGATE_IMAGE, default riskgate:<package version>; podman or CONTAINER_ENGINE)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/container-engine.sh
container_engine
runs="${1:-5}"
image="${RISKGATE_IMAGE:-riskgate:$(node -p 'require("./package.json").version')}"
work="$(mktemp -d)"
name="riskgate-start-bench-$$"
trap '"${ENGINE[@]}" rm --force "$name" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
node dist/cli/main.js certs --service riskgate --namespace riskgate --out "$work/tls" >/dev/null 2>&1
chmod 0644 "$work/tls/"*
mkdir -m 0777 "$work/data"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for i in $(seq "$runs"); do
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  started="$(date +%s%N)"
  "${ENGINE[@]}" run --detach --name "$name" --network host --read-only --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 \
    --volume "$work/tls:/etc/riskgate/tls:ro" --volume "$work/data:/var/lib/riskgate" "$image" \
    serve --host=127.0.0.1 --port="$port" --tls-cert=/etc/riskgate/tls/tls.crt --tls-key=/etc/riskgate/tls/tls.key \
    --data-dir=/var/lib/riskgate >/dev/null
  deadline=$((SECONDS + 30))
  until curl --silent --fail --insecure "https://127.0.0.1:$port/healthz" >/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "run $i: not ready after 30 s" >&2; exit 1; }
    sleep 0.02
  done
  ms=$((($(date +%s%N) - started) / 1000000))
  times+=("$ms")
  echo "run $i: ${ms} ms to /healthz 200"
  "${ENGINE[@]}" stop --time 30 "$name" >/dev/null
  "${ENGINE[@]}" rm --force "$name" >/dev/null
done
echo "median: $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
