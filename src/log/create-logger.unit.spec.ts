import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';
import { formatTtyLine } from './format-tty-line.ts';

function capture(level?: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, destination: { write: (line) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line: level, time, message and the fields', () => {
    const { logger, lines } = capture();
    logger.info({ uri: 's3://b/k', registered: 3 }, 'ingest applied');
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        uri: 's3://b/k',
        registered: 3,
        message: 'ingest applied',
      },
    ]);
  });

  it('redacts secret-named fields and credentials quoted in texts', () => {
    const { logger, lines } = capture();
    logger.error(
      {
        databaseUrl: 'postgres://u:hunter2@db/x',
        config: { password: 'hunter2', token: 'abc' },
        error: 'connect to postgres://opais:hunter2@db.internal:5432/opais failed',
      },
      'could not log in with password=hunter2',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"abc"');
    expect(lines[0]).toMatchObject({
      databaseUrl: '[redacted]',
      config: { password: '[redacted]', token: '[redacted]' },
      error: 'connect to postgres://opais:[redacted]@db.internal:5432/opais failed',
      message: 'could not log in with password=[redacted]',
    });
  });

  it('honours the level (LOG_LEVEL by default)', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => line.message)).toEqual(['shown']);
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'debug';
    try {
      expect(createLogger({ destination: { write: () => {} } }).level).toBe('debug');
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});

describe('formatTtyLine', () => {
  it('renders a JSON line as clock, level, message and key=value fields', () => {
    const line = JSON.stringify({
      level: 'info',
      time: '2026-12-01T01:02:03.456Z',
      message: 'round done',
      applied: 1,
      objects: ['a'],
    });
    expect(formatTtyLine(line)).toBe('01:02:03.456 INFO  round done applied=1 objects=["a"]\n');
    expect(formatTtyLine('not json\n')).toBe('not json\n');
  });
});
