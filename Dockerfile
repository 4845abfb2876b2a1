# The opais CLI as one image: `serve` (the API), `project --follow`, `watch`, `fetch`, `ingest`.
# It runs from the TypeScript sources through tsx, like the CLI on a developer's machine.
# (Not built in CI here: that machine has no Docker engine.)
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY projections ./projections
COPY ddl ./ddl

# Amazon RDS's certificate bundle, so `sslmode=verify-full&sslrootcert=...` verifies the server (infra/ uses it).
ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
RUN chmod 0644 /etc/ssl/certs/rds-global-bundle.pem

USER node
EXPOSE 3000
ENTRYPOINT ["node", "/app/bin/opais.js"]
CMD ["--help"]
