import type { FastifyInstance } from 'fastify';
import { OpaisError } from '../errors.ts';
import type { ApiContext } from './api-context.ts';
import { readPharmacy } from './read-pharmacy.ts';
import { errorResponses, listOf, searchQuerystring } from './schemas.ts';
import { searchPharmacies } from './search-pharmacies.ts';

const text = { type: ['string', 'null'] } as const;
const instant = { type: 'string', format: 'date-time' } as const;

const pharmacySchema = {
  type: 'object',
  required: ['pharmacyId', 'current', 'name', 'city', 'state', 'zip', 'since', 'until'],
  properties: {
    pharmacyId: { type: 'string' },
    current: {
      type: 'boolean',
      description:
        'false once no current contract names the pharmacy (the fields are then its last known ones)',
    },
    name: text,
    addressLine1: text,
    addressLine2: text,
    city: text,
    state: text,
    zip: text,
    phoneNumber: text,
    since: { ...instant, description: 'as-of of the snapshot that made this version (dim_pharmacy)' },
    until: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'as-of that ended it; null while current',
    },
  },
} as const;

const contractSchema = {
  type: 'object',
  required: ['id340B', 'ceId', 'entityName', 'contractId', 'current', 'appeared', 'changed', 'disappeared'],
  properties: {
    id340B: { type: 'string' },
    ceId: { type: 'integer' },
    entityName: { ...text, description: "the covered entity's name (current or last known)" },
    contractId: { type: 'string' },
    current: { type: 'boolean', description: 'the contract is in the latest snapshot' },
    beginDate: { ...text, description: 'beginDate as the export gives it (UTC, no zone)' },
    terminationDate: text,
    appeared: { type: 'array', items: instant, description: 'as-of instants at which the contract appeared' },
    changed: { type: 'array', items: instant, description: 'as-of instants at which its columns changed' },
    disappeared: {
      type: 'array',
      items: instant,
      description: 'as-of instants at which it left the export (or moved to another pharmacy)',
    },
  },
} as const;

/**
 * GET /pharmacies?q= (search) and GET /pharmacies/:pharmacyId (the pharmacy
 * and every contract with it over time), from dim_pharmacy and
 * dim_ce_contract_pharmacy.
 */
export function registerPharmacyRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: { q: string; limit: number } }>(
    '/pharmacies',
    {
      schema: {
        summary: 'Find current pharmacies by id, name, city, state or zip',
        tags: ['pharmacies'],
        querystring: searchQuerystring(
          'words, each matching the id, a name word (prefix), the city (prefix), the state or the zip (prefix)',
        ),
        response: { 200: listOf(pharmacySchema), ...errorResponses() },
      },
    },
    async (request) => ({
      items: await searchPharmacies(context.pool, request.query.q, request.query.limit),
    }),
  );

  app.get<{ Params: { pharmacyId: string } }>(
    '/pharmacies/:pharmacyId',
    {
      schema: {
        summary: 'A pharmacy now, and every contract with it over time',
        tags: ['pharmacies'],
        params: {
          type: 'object',
          required: ['pharmacyId'],
          additionalProperties: false,
          properties: { pharmacyId: { type: 'string', pattern: '^[0-9]{1,20}$' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['pharmacy', 'contracts'],
            properties: { pharmacy: pharmacySchema, contracts: { type: 'array', items: contractSchema } },
          },
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const { pharmacyId } = request.params;
      const found = await readPharmacy(context.pool, pharmacyId);
      if (!found)
        throw new OpaisError('NOT_FOUND', `pharmacy ${pharmacyId} has never been seen`, { pharmacyId });
      return found;
    },
  );
}
