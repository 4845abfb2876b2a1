import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** No Docker engine runs here: this checks the compose file's shape and that its commands exist in the CLI. */
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
}) as {
  services: Record<
    string,
    {
      image?: string;
      command?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, unknown>;
    }
  >;
};

const commandsDir = new URL('../../src/cli/commands/', import.meta.url);
const cliCommands = new Set(
  readdirSync(commandsDir)
    .filter((file) => file.endsWith('.ts') && !file.includes('.spec.'))
    .flatMap((file) =>
      [...readFileSync(new URL(file, commandsDir), 'utf8').matchAll(/\.command\('([a-z-]+)'\)/g)].map(
        (m) => m[1],
      ),
    ),
);

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, MinIO, the API, a projector and a watcher', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'minio', 'api', 'projector', 'watcher']),
    );
  });

  it.each(['api', 'projector', 'watcher'])(
    '%s runs an opais command that exists, against the stack',
    (name) => {
      const service = compose.services[name];
      expect(service?.image).toBe('opais-changelog:local');
      expect(cliCommands).toContain(service?.command?.[0]);
      expect(service?.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(service?.environment?.AWS_ENDPOINT_URL_S3).toBe('http://minio:9000');
      expect(service?.depends_on).toHaveProperty('postgres');
    },
  );
  it('serves the API under a read-only role that the migrate service makes', () => {
    const migrate = compose.services.migrate;
    expect(migrate?.command).toEqual(['migrate', '--grant-read-only', 'opais_api']);
    expect(migrate?.environment?.OPAIS_READ_ONLY_PASSWORD).toBeTruthy();
    const api = compose.services.api;
    expect(api?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/opais_api:/);
    expect(api?.depends_on).toHaveProperty('migrate');
  });
});
