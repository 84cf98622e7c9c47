# syntax=docker/dockerfile:1
#
# The gateway image. The Loops emulator runs from the same image:
#   docker run -p 4243:4243 -e EMULATOR_HOST=0.0.0.0 <image> node dist/emulator/main.js
# (the HEALTHCHECK below probes the gateway's /healthz; override it for the emulator, as
# docker-compose.yml does).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- builder: full dependencies, compile src/ to dist/ ------------------------------------------
FROM ${NODE_IMAGE} AS builder
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4242
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script of a runtime dependency is needed (msgpackr-extract ships
# prebuilt binaries). tsx and its esbuild, which `npm start` uses from a checkout, are
# devDependencies: `node dist/main.js` and the bin/ shims (which find dist/) do not need them.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=builder /app/dist ./dist
# The package's CLIs (mapping tool, `mappings load/verify/show`, `webhooks failed/replay`); they run
# dist/cli/ when it exists.
COPY bin ./bin
# Writable by the app user: the mapping tool (`mappings load`, `npm run map`) rewrites these files.
COPY --chown=node:node mappings ./mappings

# The official image's unprivileged user (uid 1000); code and dependencies stay root-owned, read-only to it.
USER node
EXPOSE 4242
# Liveness of the gateway on its own port; `fetch` is built into Node 20, so no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4242) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]
