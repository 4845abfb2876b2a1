import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * No Docker engine runs here: this checks the compose file's shape and that its
 * commands exist in the CLI (.ci/run also validates it with `docker-compose config`).
 */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
  // Every service merges the shared anchors: more aliases than the library's guard against alias bombs allows.
  maxAliasCount: 1000,
}) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);

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

const appServices = services.filter(([, service]) => service.image === 'opais-changelog:local');
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
const longRunning = ['api', 'projector', 'watcher', 'deliver'];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, an S3 server with its bucket, KurrentDB and the long-running opais commands', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 's3', 'bucket', 'kurrentdb', ...longRunning]),
    );
    expect(compose.services.kurrentdb?.profiles).toEqual(['kurrentdb']);
  });

  it.each(services)('%s uses a maintained image pinned by version, with a health check', (_, service) => {
    expect(service.image).toBeDefined();
    if (service.image !== 'opais-changelog:local') {
      expect(service.image).toMatch(/:v?\d+\.\d+(\.\d+)?$/);
      expect(service.image).not.toMatch(/^(minio|quay\.io\/minio)\//);
    }
    expect(service.healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('keeps data in named volumes only', () => {
    const mounts = services.flatMap(([, service]) => service.volumes ?? []);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) {
      expect(Object.keys(compose.volumes)).toContain(mount.split(':')[0]);
    }
  });

  it.each(appServices)(
    '%s is built from the Dockerfile and runs an opais command that exists',
    (name, service) => {
      expect(service.build).toBe('.');
      expect(cliCommands).toContain(service.command?.[0]);
      expect(service.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(service.environment?.AWS_ENDPOINT_URL_S3).toBe('http://s3:7070');
      expect(service.depends_on?.postgres?.condition).toBe('service_healthy');
      // The API waits for the migration (it never migrates itself); the others for the bucket too.
      const firstDone = name.startsWith('api') ? `migrate${name.slice(3)}` : 'bucket';
      expect(service.depends_on?.[firstDone]?.condition).toBe('service_completed_successfully');
    },
  );

  it.each(appServices)('%s checks its health with a command the image has', (name, service) => {
    const test = service.healthcheck?.test ?? [];
    expect(entrypoint.length).toBeGreaterThan(0);
    if (name.startsWith('api')) {
      expect(test.slice(0, 3)).toEqual(['CMD', entrypoint[0], '-e']);
      expect(test[3]).toContain('http://127.0.0.1:3000/health');
    } else {
      // The workers serve no HTTP: healthy while `opais status` reaches their stores.
      expect(test).toEqual(['CMD', ...entrypoint, 'status']);
    }
  });

  it.each(longRunning)('%s has a twin in the kurrentdb profile with its event log in KurrentDB', (name) => {
    const postgresBacked = compose.services[name];
    const kurrentBacked = compose.services[`${name}-kurrentdb`];
    expect(postgresBacked?.profiles).toBeUndefined();
    expect(postgresBacked?.environment?.EVENT_STORE).toBe('postgres');
    expect(kurrentBacked?.profiles).toEqual(['kurrentdb']);
    expect(kurrentBacked?.command).toEqual(postgresBacked?.command);
    expect(kurrentBacked?.environment?.EVENT_STORE).toBe('kurrentdb');
    expect(kurrentBacked?.environment?.EVENTSTORE_CONNECTION_STRING).toMatch(
      /^kurrentdb:\/\/kurrentdb:2113\b/,
    );
    expect(kurrentBacked?.depends_on?.kurrentdb?.condition).toBe('service_healthy');
    // Their registry, checkpoints and read models must not mix with the PostgreSQL-backed set's.
    expect(kurrentBacked?.environment?.OPAIS_SCHEMA).not.toBe(postgresBacked?.environment?.OPAIS_SCHEMA);
  });

  it.each(['', '-kurrentdb'])(
    'serves the API%s under a read-only role that its migrate service makes',
    (twin) => {
      const migrate = compose.services[`migrate${twin}`];
      expect(migrate?.command).toEqual(['migrate', '--grant-read-only', 'opais_api']);
      expect(migrate?.environment?.OPAIS_READ_ONLY_PASSWORD).toBeTruthy();
      const api = compose.services[`api${twin}`];
      expect(api?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/opais_api:/);
      expect(api?.environment?.OPAIS_SCHEMA).toBe(migrate?.environment?.OPAIS_SCHEMA);
      expect(api?.depends_on).toHaveProperty(`migrate${twin}`);
    },
  );

  it('creates the bucket the watchers read', () => {
    const bucketCommand = compose.services.bucket?.command?.join(' ') ?? '';
    for (const [, service] of services.filter(([, s]) => s.command?.[0] === 'watch')) {
      const bucket = /^s3:\/\/([^/]+)\//.exec(service.command?.[1] ?? '')?.[1];
      expect(bucket).toBeDefined();
      expect(bucketCommand).toContain(`create-bucket --bucket ${bucket}`);
    }
  });
});
