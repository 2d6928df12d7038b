# riskgate's image: Node and its shared libraries, the esbuild bundle of dist/ with its dependencies, user 1000; nothing else.
# Build (Docker or Podman; the Helm chart's default image is riskgate:<appVersion>):
#   docker build -t riskgate:0.1.0 .                       compiles and bundles inside the build (needs the npm registry)
#   npm ci && npm run image                                  bundles in the work tree, no network inside the build
# NODE_IMAGE: any Debian-based image with /usr/local/bin/node 20 (the official one by default). APP_FROM: build | context.
ARG NODE_IMAGE=docker.io/library/node:20.20-bookworm-slim
ARG APP_FROM=build

# The app compiled and bundled here, with the dev dependencies (typescript, esbuild) ...
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-image.mjs scripts/third-party-notices.mjs ./scripts/
COPY src ./src
RUN npm run build && npm run bundle

FROM scratch AS app-build
COPY --from=build /src/build/image/ /

# ... or the bundle `npm run bundle` wrote into build/image in the work tree.
FROM scratch AS app-context
COPY build/image/ /

# (The ":-build" repeats the default for Podman/Buildah, which decide the stages to build before reading ARG defaults.)
FROM app-${APP_FROM:-build} AS app

# The runtime files: the node binary and the libraries ldd says it loads (glibc, libstdc++, libgcc), a passwd entry for uid
# 1000, /tmp and the data directory. No shell, no package manager, no npm.
FROM ${NODE_IMAGE} AS runtime
RUN set -eu; \
    mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp /data; \
    chmod 1777 /rootfs/tmp; \
    cp /usr/local/bin/node /rootfs/usr/local/bin/node; \
    for lib in $(ldd /usr/local/bin/node | grep -o '/[^ ]*'); do cp --parents -L "$lib" /rootfs; done; \
    echo 'riskgate:x:1000:1000:riskgate:/var/lib/riskgate:/sbin/nologin' > /rootfs/etc/passwd; \
    echo 'riskgate:x:1000:' > /rootfs/etc/group

FROM scratch
ARG VERSION=0.1.0
COPY --from=runtime /rootfs/ /
COPY --from=runtime --chown=1000:1000 /data/ /var/lib/riskgate/
COPY --from=app / /app/
ENV PATH=/usr/local/bin NODE_ENV=production
# Relative defaults (--certs-dir certs, --data-dir .riskgate) land in the data directory; the chart mounts a volume there.
WORKDIR /var/lib/riskgate
# By number, so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8443
LABEL org.opencontainers.image.title="riskgate" \
      org.opencontainers.image.description="Kubernetes validating admission webhook enforcing Splunk ESCU Kubernetes detections" \
      org.opencontainers.image.source="https://github.com/riskgate/riskgate" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# node is PID 1: riskgate handles SIGTERM itself (drain, then exit 0). Kubernetes probes /healthz and /readyz: no HEALTHCHECK.
ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/riskgate.js"]
CMD ["serve", "--host", "0.0.0.0"]
