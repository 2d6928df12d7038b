# syntax=docker/dockerfile:1
# riskgate's image: compiled with the dev dependencies, shipped with production dependencies only, run as a non-root user.
# Build: docker build -t riskgate:0.1.0 .   (the Helm chart's default image is riskgate:<appVersion>)
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
# The image's "node" user, by number so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8443
ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/dist/cli/main.js"]
CMD ["serve", "--host", "0.0.0.0"]
