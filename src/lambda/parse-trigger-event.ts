import { OpaisError } from '../errors.ts';

/** An object the event names whose key cannot be an S3 key: refused on its own, the other objects go on. */
export interface RefusedObject {
  bucket: string;
  /** The key as the event wrote it (shortened for messages when very long). */
  key: string;
  reason: string;
}

/** S3's own limit: a key is at most 1024 bytes of UTF-8. */
const maxKeyBytes = 1024;

/** One object that an event announces. */
export interface CreatedObject {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  size?: number;
  /** When the object was created, as the event says. */
  eventTime: Date | undefined;
}

/**
 * The objects an S3 "Object Created" trigger names, from either shape:
 * - EventBridge (`source: aws.s3`, `detail-type: Object Created`): one object in
 *   `detail`, its key as is;
 * - the classic S3 notification (`Records[]`, `eventSource: aws:s3`, `eventName:
 *   ObjectCreated:*`): keys URL-encoded with `+` for spaces, so they are decoded.
 * A key that cannot be an S3 key (a malformed %-escape, more than 1024
 * bytes) comes back refused, naming it, so that the other objects still go on.
 * Other S3 events (deletions, ...) in a Records[] batch are left out; anything
 * else is refused, since a wrongly wired trigger should fail loudly.
 */
export function parseTriggerEvent(event: unknown): (CreatedObject | RefusedObject)[] {
  if (isRecord(event) && event.source === 'aws.s3' && typeof event['detail-type'] === 'string') {
    return parseEventBridge(event);
  }
  if (isRecord(event) && Array.isArray(event.Records)) return event.Records.flatMap(parseRecord);
  throw new OpaisError(
    'INVALID_ARGUMENT',
    'the event is neither an EventBridge S3 event (source aws.s3) nor an S3 notification (Records[])',
  );
}

function parseEventBridge(event: Record<string, unknown>): (CreatedObject | RefusedObject)[] {
  if (event['detail-type'] !== 'Object Created') return [];
  const detail = isRecord(event.detail) ? event.detail : {};
  const bucket = isRecord(detail.bucket) ? detail.bucket.name : undefined;
  const object = isRecord(detail.object) ? detail.object : {};
  if (typeof bucket !== 'string' || typeof object.key !== 'string') {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      'EventBridge "Object Created" event without detail.bucket.name or detail.object.key',
    );
  }
  const refused = refusedKey(bucket, object.key, object.key);
  if (refused) return [refused];
  return [
    {
      bucket,
      key: object.key,
      versionId: optionalString(object['version-id']),
      // AWS writes `etag`; some emulators `eTag`.
      etag: optionalString(object.etag ?? object.eTag),
      size: typeof object.size === 'number' ? object.size : undefined,
      eventTime: parseEventTime(event.time),
    },
  ];
}

function parseRecord(record: unknown): (CreatedObject | RefusedObject)[] {
  if (!isRecord(record) || record.eventSource !== 'aws:s3') return [];
  if (typeof record.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) return [];
  const s3 = isRecord(record.s3) ? record.s3 : {};
  const bucket = isRecord(s3.bucket) ? s3.bucket.name : undefined;
  const object = isRecord(s3.object) ? s3.object : {};
  if (typeof bucket !== 'string' || typeof object.key !== 'string') {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      'S3 notification record without s3.bucket.name or s3.object.key',
    );
  }
  let key: string;
  try {
    key = decodeURIComponent(object.key.replace(/\+/g, ' '));
  } catch {
    return [{ bucket, key: shortened(object.key), reason: 'the key has a malformed %-escape' }];
  }
  const refused = refusedKey(bucket, key, object.key);
  if (refused) return [refused];
  return [
    {
      bucket,
      key,
      versionId: optionalString(object.versionId),
      etag: optionalString(object.eTag),
      size: typeof object.size === 'number' ? object.size : undefined,
      eventTime: parseEventTime(record.eventTime),
    },
  ];
}

/**
 * An ISO instant; without a zone it is UTC (moto writes S3 notification times
 * that way). Epoch seconds are accepted too: moto's EventBridge emulation
 * writes `time` as a number, where AWS writes `2021-11-12T00:00:00Z`.
 */
export function parseEventTime(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const date = new Date(hasZone ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function isRefused(object: CreatedObject | RefusedObject): object is RefusedObject {
  return 'reason' in object;
}

function refusedKey(bucket: string, key: string, asWritten: string): RefusedObject | undefined {
  const bytes = Buffer.byteLength(key);
  if (bytes === 0) return { bucket, key, reason: 'the key is empty' };
  if (bytes > maxKeyBytes) {
    return {
      bucket,
      key: shortened(asWritten),
      reason: `the key is ${bytes} bytes long; S3 keys are at most ${maxKeyBytes} bytes`,
    };
  }
  return undefined;
}

function shortened(key: string): string {
  return key.length > 200 ? `${key.slice(0, 200)}… (${key.length} characters)` : key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
