# isoscope: one image for `isoscope consume` and `isoscope serve` (docs/deploy.md).
#
# Stage 1 builds what the CLI runs: dist/ (tsc) and wasm/build (asc), both dev tools.
# Stage 2 is the runtime: production dependencies only (npm ci --omit=dev), the built files,
# a non-root user. The runtime needs nothing from devDependencies: test/deploy.e2e.test.ts
# installs exactly these files the same way in a clean directory and gets a prediction.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# prepare builds only when src/ is present, so this installs the tools without building yet.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.cli.json ./
COPY wasm/asconfig.json ./wasm/asconfig.json
COPY wasm/assembly ./wasm/assembly
COPY src ./src
COPY models ./models
RUN npm run build:wasm && npm run build:cli

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/models ./dist/models
COPY --from=build /app/wasm/build/isoscope.wasm ./wasm/build/isoscope.wasm
COPY bin ./bin
COPY models ./models
# The node image's unprivileged user; the app only reads its files.
USER node
# serve's port, and consume's /metrics and /healthz.
EXPOSE 8000 9464
ENTRYPOINT ["node", "bin/isoscope.js"]
# Container Apps (deploy/) replaces these arguments for each app.
CMD ["serve", "--model", "models/fd001-baseline.json", "--host", "0.0.0.0", "--port", "8000"]
