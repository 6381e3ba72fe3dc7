# syntax=docker/dockerfile:1
# tweetlang image: the HTTP API by default; the same image runs the CLI (classifier members, updater, collector)
# with `node bin/tweetlang.js <command>`. Multi-stage: the build stage has the compilers for the native
# @tensorflow/tfjs-node addon (allowed to run its install script by package.json "allowScripts") and the
# TypeScript build; the runtime stage has production dependencies only and runs as the unprivileged "node" user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# dependencies first (cached while package*.json are unchanged); the prepare script builds dist/ later
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
 && npm rebuild @tensorflow/tfjs-node @duckdb/node-bindings
COPY . .
RUN npm run build \
 && npm prune --omit=dev \
 && node -e "import('@tensorflow/tfjs-node').then(() => console.log('tfjs-node native backend: ok'))"

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_LEVEL=info \
    TWEETLANG_BACKEND=auto
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/models ./models
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/services/api/main.js"]
