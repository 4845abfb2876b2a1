import { changeFeedProjector } from './change-feed-projector.ts';
import { entitySearchProjector } from './entity-search-projector.ts';
import { entityTableProjector } from './entity-table-projector.ts';
import { pharmacyProjector } from './pharmacy-projector.ts';
import type { Projector } from './projector.ts';
import { entityTables } from './tables/entity-tables.ts';

/**
 * One projector per table. They read the same snapshot chunks (read once)
 * and commit in one transaction, so the eight tables move together; but
 * each has its own checkpoint, so an event that one table cannot hold (a
 * contract without a contractId, an impossible date) stops only the
 * projectors it breaks and the rest stay current. dim_pharmacy keeps its
 * own state (dim_pharmacy_sources) rather than read dim_ce_contract_pharmacy,
 * which lacks editDate and may be stopped while dim_pharmacy is not.
 * change_feed is the read model behind the change feed and the report.
 * entity_search is the read model behind the API's entity search.
 */
export const projectors: readonly Projector[] = [
  ...entityTables.map(entityTableProjector),
  pharmacyProjector,
  changeFeedProjector,
  entitySearchProjector,
];
