import { describe, expect, it } from 'vitest';
import { formatS3Uri, isS3Uri, parseS3Uri } from './s3-uri.ts';

describe('S3 URIs', () => {
  it('split into bucket and key, the key possibly empty or a prefix', () => {
    expect(parseS3Uri('s3://opais-exports/daily/a b.json')).toEqual({
      bucket: 'opais-exports',
      key: 'daily/a b.json',
    });
    expect(parseS3Uri('s3://opais-exports')).toEqual({ bucket: 'opais-exports', key: '' });
    expect(parseS3Uri('s3://opais-exports/daily/')).toEqual({ bucket: 'opais-exports', key: 'daily/' });
    expect(formatS3Uri({ bucket: 'b12', key: 'k' })).toBe('s3://b12/k');
    expect(isS3Uri('./s3://x')).toBe(false);
  });

  it('refuses what is not one, naming it', () => {
    expect(() => parseS3Uri('s3://Bad_Bucket/key')).toThrow(
      'not an S3 URI (s3://bucket/key): s3://Bad_Bucket/key',
    );
    expect(() => parseS3Uri('s3:///key')).toThrow(/not an S3 URI/);
  });
});
