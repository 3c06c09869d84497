# syntax=docker/dockerfile:1
# Multi-stage production image: build with dev dependencies, run with production ones, as a non-root user.
# Node 26: the Active LTS line (LTS since 2026-10-28; Node 20 reached end of life in April 2026). Debian 13
# (trixie): the default base of the official Node 26 images. CI runs the whole suite on Node 26 too (.ci/run).

FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# `npm ci` runs our postinstall (prisma generate, which needs no download: see scripts/prisma-generate.mjs).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY bin ./bin
# tsc, then the run-time assets (dashboard static files, SQL migrations) into dist/.
RUN npm run build

FROM node:26-trixie-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    KRING_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; skip install scripts (the client is already generated in dist).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
