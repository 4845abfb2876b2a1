import { describe, expect, it } from 'vitest';
import { orderedChanges } from './ordered-changes.ts';

describe('orderedChanges', () => {
  it('puts change detail read back from jsonb in the order the events define', () => {
    const fromJsonb = [
      { to: '02115', from: '02110', path: 'streetAddress.zip' },
      {
        path: 'npiNumbers',
        added: [{ state: 'MA', npiNumber: '1999999999' }],
        changed: [{ key: { state: null, npiNumber: '1' }, changes: [{ to: 'x', from: null, path: 'a' }] }],
        removed: [],
      },
    ];
    const ordered = orderedChanges(fromJsonb);
    expect(JSON.stringify(ordered)).toBe(
      JSON.stringify([
        { path: 'streetAddress.zip', from: '02110', to: '02115' },
        {
          path: 'npiNumbers',
          added: [{ npiNumber: '1999999999', state: 'MA' }],
          removed: [],
          changed: [{ key: { npiNumber: '1', state: null }, changes: [{ path: 'a', from: null, to: 'x' }] }],
        },
      ]),
    );
  });

  it('leaves `changed` out of an unkeyed collection', () => {
    const [change] = orderedChanges([
      { path: 'shippingAddresses', removed: [], added: [{ zip: '1', city: 'A' }] },
    ]);
    expect(JSON.stringify(change)).toBe(
      '{"path":"shippingAddresses","added":[{"city":"A","zip":"1"}],"removed":[]}',
    );
  });
});
