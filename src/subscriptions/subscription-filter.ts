import { OpaisError } from '../errors.ts';

/** Which changes a subscriber wants; each member lists alternatives, and all given members must match. */
export interface SubscriptionFilter {
  id340B?: string[];
  entityType?: string[];
  state?: string[];
  /** Changed paths (or their prefixes: `contractPharmacies` covers `contractPharmacies[3].name`). */
  path?: string[];
}

/** What a change item offers to the filter. */
export interface FilterableChange {
  type: string;
  id340B: string;
  entityType: string | null;
  state: string | null;
  changedPaths: readonly string[];
}

const keys = ['id340B', 'entityType', 'state', 'path'] as const;

/** `id340B=DSH1|DSH2,state=TN,path=contractPharmacies` → a filter; unknown keys and empty values are refused. */
export function parseSubscriptionFilter(text: string | undefined, place: string): SubscriptionFilter {
  const filter: SubscriptionFilter = {};
  for (const part of (text ?? '').split(',')) {
    if (part.trim() === '') continue;
    const [key, value] = part.split('=', 2).map((side) => side.trim()) as [string, string | undefined];
    if (!(keys as readonly string[]).includes(key)) {
      throw new OpaisError(
        'FILTER_INVALID',
        `${place}: unknown filter ${JSON.stringify(key)}; filters: ${keys.join(', ')}`,
        {
          place,
        },
      );
    }
    const values = (value ?? '').split('|').filter(Boolean);
    if (values.length === 0) {
      throw new OpaisError('FILTER_INVALID', `${place}: ${key}= needs a value`, { place });
    }
    filter[key as (typeof keys)[number]] = [...(filter[key as (typeof keys)[number]] ?? []), ...values];
  }
  return filter;
}

/**
 * Whether a change is one the subscriber wants. A registration or a removal
 * is the whole entity appearing or going, so it matches any `path`.
 */
export function matchesFilter(change: FilterableChange, filter: SubscriptionFilter): boolean {
  if (filter.id340B && !filter.id340B.includes(change.id340B)) return false;
  if (filter.entityType && !filter.entityType.includes(change.entityType ?? '')) return false;
  if (filter.state && !filter.state.includes(change.state ?? '')) return false;
  if (filter.path && change.type === 'CoveredEntityChanged') {
    const wanted = filter.path;
    return change.changedPaths.some((path) =>
      wanted.some(
        (prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`),
      ),
    );
  }
  return true;
}
