import { describe, expect, it } from 'vitest';
import { OpaisError } from '../errors.ts';
import { ingestAlert } from './notify-ingest-failure.ts';

describe('ingestAlert', () => {
  const at = new Date('2026-11-26T05:00:00Z');

  it('tells a mass-removal refusal apart, with its figures', () => {
    const error = new OpaisError('MASS_REMOVAL', 'would remove 900 of 1000', {
      removals: 900,
      current: 1000,
      ratio: 0.05,
    });
    expect(ingestAlert(error, 's3://b/k.json', 'lambda', at)).toMatchObject({
      event: 'ingest.mass_removal_refused',
      source: 's3://b/k.json',
      code: 'MASS_REMOVAL',
      details: { removals: 900, current: 1000, ratio: 0.05 },
      origin: 'lambda',
      at: '2026-11-26T05:00:00.000Z',
      text: 'opais: the mass-removal guard refused s3://b/k.json: would remove 900 of 1000',
    });
  });

  it('tells a mass-change refusal apart, with the members that appeared', () => {
    const error = new OpaisError('MASS_CHANGE', 'would change 900 of 1000', {
      changed: 900,
      newMembers: ['medicareProviderNumber'],
    });
    expect(ingestAlert(error, 's3://b/k.json', 'lambda', at)).toMatchObject({
      event: 'ingest.mass_change_refused',
      code: 'MASS_CHANGE',
      details: { changed: 900, newMembers: ['medicareProviderNumber'] },
      text: 'opais: the mass-change guard refused s3://b/k.json: would change 900 of 1000',
    });
  });

  it('reports any other failure as ingest.failed, unknown errors as INTERNAL', () => {
    expect(ingestAlert(new Error('socket hang up'), 'x.json', 'watch', at)).toMatchObject({
      event: 'ingest.failed',
      code: 'INTERNAL',
      message: 'socket hang up',
      text: 'opais: ingest of x.json failed (INTERNAL): socket hang up',
    });
  });
});
