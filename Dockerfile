# syntax=docker/dockerfile:1

# Compile TypeScript with the full dependency set.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY cmd ./cmd
COPY domain ./domain
COPY adapters ./adapters
COPY infrastructure ./infrastructure
# One full compile into an empty dist/. `npm run build` is the incremental build of a working copy: it prunes the
# output of deleted sources with scripts/prune-dist.mjs (not in the build context) and keeps tsc's build info in
# dist/, neither of which a fresh stage needs, nor the image.
RUN npx tsc -p tsconfig.json

# Runtime dependencies only.
FROM node:24-bookworm-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patch-postgres.mjs ./scripts/
# Install scripts stay off; the one this project needs (the postgres.js guard, see the script) runs on its own.
RUN npm ci --omit=dev --ignore-scripts && node scripts/patch-postgres.mjs && npm cache clean --force

FROM node:24-bookworm-slim
# A container is reached from outside its loopback, so the image listens on every address, and then the service
# needs API keys: set API_KEYS_FILE to a keys file mounted read-only (see README, "Docker"). Without it the service
# refuses to start, saying so; AUTH_DISABLED=true serves without keys, for a network only trusted clients reach.
# NODE_OPTIONS caps V8's old space at 192 MiB. Without a cap V8 sizes its heap for the host's memory and lets it
# grow long before it collects: three replicas firing 100,000 schedules peaked at 340-362 MiB resident each, with
# the cap at 197-200 MiB, firing as correctly and no later; reads under saturation pay with more collections
# (README, Benchmarks). The service's own heap stays well below the cap; PGlite's memory is WebAssembly memory,
# outside it. Override it with -e NODE_OPTIONS=... .
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/flink-job-scheduler
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY sql/migrations ./sql/migrations
# The embedded database (used when DATABASE_URL is unset) lives here; mount a volume to keep it.
RUN mkdir -p "$DATA_DIR" && chown node:node "$DATA_DIR"
VOLUME ["/var/lib/flink-job-scheduler"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: it stops accepting, drains requests, closes the database.
CMD ["node", "dist/cmd/server.js"]
