import type { EntityEventType } from '../events/event-types.ts';
import type { FeedFilter } from '../feed/change-feed-queries.ts';
import { eventTypeAliases } from './schemas.ts';

export interface FeedFilterQuery {
  type?: string[];
  id340B?: string;
  state?: string;
  entityType?: string;
  path?: string;
}

const allTypes: readonly EntityEventType[] = [
  'CoveredEntityRegistered',
  'CoveredEntityChanged',
  'CoveredEntityRemoved',
];

/** The filter a query asks for, in one normal form (types deduplicated, in a fixed order). */
export function feedFilterOf(query: FeedFilterQuery, snapshotPosition?: number): FeedFilter {
  const wanted = new Set((query.type ?? []).map((name) => eventTypeAliases[name]));
  return {
    types: wanted.size === 0 ? allTypes : allTypes.filter((type) => wanted.has(type)),
    ...(query.id340B === undefined ? {} : { id340B: query.id340B }),
    ...(query.state === undefined ? {} : { state: query.state }),
    ...(query.entityType === undefined ? {} : { entityType: query.entityType }),
    ...(query.path === undefined ? {} : { path: query.path }),
    ...(snapshotPosition === undefined ? {} : { snapshotPosition }),
  };
}

/** A key naming a page uniquely (filter and detail), for the response cache. */
export function pageKey(after: number, limit: number, filter: FeedFilter, detail: boolean): string {
  return [
    after,
    limit,
    filter.types.join(','),
    filter.id340B ?? '',
    filter.state ?? '',
    filter.entityType ?? '',
    filter.path ?? '',
    filter.snapshotPosition ?? '',
    detail ? 'd' : 'c',
  ].join('|');
}
