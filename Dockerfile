# syntax=docker/dockerfile:1
# The opais CLI as one image, run as compiled JavaScript: `serve` (the API), `project --follow`, `watch`,
# `fetch`, `ingest`, ... (ENTRYPOINT is the CLI; the command is its arguments). docs/cloud.md shows the
# services' commands. Nothing is downloaded beyond the base images and the npm registry, whose packages
# npm checks against package-lock.json's integrity hashes.
# (Not built in CI here: that machine has no Docker engine; test/dockerfile.int.spec.ts runs the same
# compiled layout with plain node.)

# ---- build: TypeScript to JavaScript (tsconfig.build.json rewrites the sources' .ts imports to .js)
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to compile (they fetch Node binaries and unpack PostgreSQL).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
RUN npm run build

# ---- runtime: production dependencies and the compiled code, in the repository's layout
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    OPAIS_DATA_DIR=/home/node/.opais \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/app/src ./src
COPY --from=build /src/dist/app/projections ./projections
COPY src/api/dashboard ./src/api/dashboard
COPY ddl ./ddl

USER node
EXPOSE 3000
# `opais serve` answers /health; a projector or watcher started with --metrics-port answers
# OPAIS_HEALTHCHECK_URL=http://127.0.0.1:<port>/metrics. One-off commands exit before the first check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.OPAIS_HEALTHCHECK_URL || 'http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=16", "/app/src/cli/main.js"]
CMD ["--help"]
