import { type Change, isCollectionChange, type LeafChange } from '../events/change-detail.ts';
import type { ChangeItem } from '../feed/change-feed-queries.ts';
import { keyText, memberText, valueText } from './member-text.ts';

const kindLabels = {
  CoveredEntityRegistered: 'registered',
  CoveredEntityChanged: 'changed',
  CoveredEntityRemoved: 'removed',
} as const;

/**
 * A feed item as terminal lines: a head line naming the entity, then one
 * line per changed field (before → after) and per member of a child
 * collection added (+), removed (−) or changed (~).
 */
export function describeChangeItem(item: ChangeItem): string[] {
  const about = [item.entityType, item.state].filter(Boolean).join(', ');
  const name = [item.name, item.subName].filter(Boolean).join(' — ') || '(no name)';
  const lastKnown = item.type === 'CoveredEntityRemoved' ? ' (last known)' : '';
  const lines = [
    `${item.asOf.slice(0, 10)}  ${kindLabels[item.type].padEnd(10)}  ${item.id340B} / ${item.ceId}  ${name}${about ? ` (${about})` : ''}${lastKnown}   #${item.position}`,
  ];
  for (const change of item.changes ?? []) lines.push(...describeChange(change).map((line) => `    ${line}`));
  return lines;
}

export function describeChange(change: Change): string[] {
  if (!isCollectionChange(change)) return [leafText(change)];
  const changed = change.changed ?? [];
  const tally = [
    change.added.length ? `${change.added.length} added` : '',
    change.removed.length ? `${change.removed.length} removed` : '',
    changed.length ? `${changed.length} changed` : '',
  ].filter(Boolean);
  return [
    `${change.path}: ${tally.join(', ')}`,
    ...change.added.map((member) => `  + ${memberText(change.path, member)}`),
    ...change.removed.map((member) => `  − ${memberText(change.path, member)}`),
    ...changed.flatMap((member) => [
      `  ~ ${keyText(change.path, member.key)}`,
      ...member.changes.map((leaf) => `      ${leafText(leaf)}`),
    ]),
  ];
}

function leafText(change: LeafChange): string {
  return `${change.path}: ${shown(change.from)} → ${shown(change.to)}`;
}

function shown(value: unknown): string {
  return valueText(value) ?? '—';
}
