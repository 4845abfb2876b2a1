import { describe, expect, it } from 'vitest';
import { parseEventTime, parseTriggerEvent } from './parse-trigger-event.ts';

// The shapes as AWS documents them (EventBridge S3 "Object Created"; S3 event notification).
const eventBridgeEvent = {
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '111122223333',
  time: '2026-11-26T05:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::opais-exports'],
  detail: {
    version: '0',
    bucket: { name: 'opais-exports' },
    object: {
      key: 'daily/a b+c.json',
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      sequencer: '617f08299329d189',
    },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'PutObject',
  },
};

const s3Notification = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-26T05:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'opais-exports', arn: 'arn:aws:s3:::opais-exports' },
        object: { key: 'daily/a+b%2Bc.json', size: 5, eTag: 'abc', versionId: 'v1' },
      },
    },
    {
      eventSource: 'aws:s3',
      eventTime: '2026-11-26T06:00:00.000Z',
      eventName: 'ObjectRemoved:Delete',
      s3: { bucket: { name: 'opais-exports' }, object: { key: 'gone.json' } },
    },
  ],
};

describe('parseTriggerEvent', () => {
  it('reads the object of an EventBridge "Object Created" event, key as is', () => {
    expect(parseTriggerEvent(eventBridgeEvent)).toEqual([
      {
        bucket: 'opais-exports',
        key: 'daily/a b+c.json',
        versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        etag: 'b1946ac92492d2347c6235b4d2611184',
        size: 5,
        eventTime: new Date('2026-11-26T05:00:00Z'),
      },
    ]);
  });

  it('decodes the URL-encoded keys of S3 notification records and leaves out other events', () => {
    expect(parseTriggerEvent(s3Notification)).toEqual([
      {
        bucket: 'opais-exports',
        key: 'daily/a b+c.json',
        versionId: 'v1',
        etag: 'abc',
        size: 5,
        eventTime: new Date('2026-11-26T05:00:00Z'),
      },
    ]);
  });

  it('names nothing for an EventBridge S3 event of another type', () => {
    expect(parseTriggerEvent({ ...eventBridgeEvent, 'detail-type': 'Object Deleted' })).toEqual([]);
  });

  it('refuses an event of another shape', () => {
    expect(() => parseTriggerEvent({ hello: 'world' })).toThrow(/neither an EventBridge S3 event/);
    expect(() => parseTriggerEvent({ ...eventBridgeEvent, detail: {} })).toThrow(/detail.bucket.name/);
  });
});

describe('parseEventTime', () => {
  it('reads ISO instants, zone-less ones as UTC, and epoch seconds', () => {
    expect(parseEventTime('2026-11-26T05:00:00Z')).toEqual(new Date('2026-11-26T05:00:00Z'));
    expect(parseEventTime('2026-11-26T05:00:00.123456')).toEqual(new Date('2026-11-26T05:00:00.123Z'));
    expect(parseEventTime(1795669200)).toEqual(new Date('2026-11-26T05:00:00Z'));
    expect(parseEventTime('yesterday')).toBeUndefined();
    expect(parseEventTime(undefined)).toBeUndefined();
  });
});
