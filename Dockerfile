# syntax=docker/dockerfile:1
# One image for every Coming service. The service is chosen by the arguments:
#   docker run IMAGE apps/gateway/src/main.ts
# and with no arguments it runs the single node (every service in one process).
# Services run from their TypeScript sources through tools/register.cjs (SWC), so the
# image keeps the dev dependencies that the register hook and proto generation need.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The workspaces' package.json files, the proto sources and tools/generate-proto.mjs
# must all be present for `npm ci`, whose postinstall generates libs/proto/src/generated.
COPY . .
RUN npm ci --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    COMING_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=0:0 /app /app
# Only the single node writes to disk (PGlite and its signing key). SWC's transform
# cache goes to /tmp; the chart mounts an emptyDir there.
RUN mkdir -p /data && chown 1000:1000 /data
# The image's `node` user, by number so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "-r", "./tools/register.cjs"]
CMD ["apps/single-node/src/main.ts"]
