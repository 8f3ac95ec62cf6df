# syntax=docker/dockerfile:1
# One image for every Kyso process (gateway, signer, verifier, verifier worker, registry, one-shot
# steps); docker-compose.yml picks the command. Build: `docker build -t kyso .`

# --- build: full toolchain, dev dependencies, TypeScript compile --------------------------------
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY scripts scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: production dependencies and compiled code only, non-root ---------------------------
FROM node:20-bookworm-slim AS runtime
# softhsm2 for the development token (a deployment points KYSO_PKCS11_MODULE at its HSM's library),
# p11-kit for network tokens, Liberation fonts for the registry's request letters.
RUN apt-get update \
 && apt-get install -y --no-install-recommends softhsm2 p11-kit p11-kit-modules fonts-liberation2 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /tokens /var/lib/kyso && chown node:node /tokens /var/lib/kyso
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root docker/*.sh ./docker/
USER node
EXPOSE 3000
CMD ["node", "dist/apps/gateway/src/main.js"]
