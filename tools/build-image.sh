#!/usr/bin/env bash
# `npm run image`: builds riskgate:<package version> from the Dockerfile with podman or docker, the app bundled here first (no network inside the build).
# NODE_IMAGE: the base image (default: the Dockerfile's, the official Node 20 image); RISKGATE_IMAGE: the name to tag.
# Needs `npm ci` done (typescript and esbuild). Prints the build time and the image size.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/container-engine.sh
container_engine

version="$(node -p 'require("./package.json").version')"
image="${RISKGATE_IMAGE:-riskgate:${version}}"
args=(--build-arg APP_FROM=context --tag "$image")
if [ -n "${NODE_IMAGE:-}" ]; then args+=(--build-arg "NODE_IMAGE=${NODE_IMAGE}"); fi

started=$SECONDS
npm run --silent build
npm run --silent bundle
bundled=$SECONDS
"${ENGINE[@]}" build "${args[@]}" .
size="$("${ENGINE[@]}" image inspect --format '{{.Size}}' "$image")"
echo "built $image: bundle $((bundled - started)) s, image build $((SECONDS - bundled)) s; size $((size / 1000000)) MB" >&2
