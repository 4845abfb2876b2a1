import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { OpaisError } from '../errors.ts';

type Place = 'querystring' | 'params';
interface ObjectSchema {
  properties?: Record<string, { type?: unknown; items?: { type?: unknown } }>;
}

const decimal = /^-?[0-9]+$/;

/**
 * Integer parameters take decimal digits only. Ajv's coercion, which turns
 * the query text into numbers, would also take `0x10` (as 16), `1e2` or
 * `Infinity`; each route's integer query and path parameters are checked as
 * written before it runs, and the schema then checks the range.
 */
export function requireDecimalIntegers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Partial<Record<Place, ObjectSchema>> | undefined;
    const fields = (['querystring', 'params'] as const).flatMap((place) =>
      Object.entries(schema?.[place]?.properties ?? {})
        .filter(([, property]) => isInteger(property.type) || isInteger(property.items?.type))
        .map(([name]) => ({ place, name })),
    );
    if (fields.length === 0) return;
    const check: preValidationHookHandler = async (request) => {
      for (const { place, name } of fields) {
        const raw = (request[place === 'params' ? 'params' : 'query'] as Record<string, unknown>)[name];
        for (const value of Array.isArray(raw) ? raw : [raw]) {
          if (typeof value === 'string' && !decimal.test(value)) {
            throw new OpaisError(
              'INVALID_ARGUMENT',
              `${name} must be a decimal integer, got ${JSON.stringify(value)}`,
              {
                place: `${place}/${name}`,
              },
            );
          }
        }
      }
    };
    const hooks = route.preValidation;
    route.preValidation =
      hooks === undefined ? [check] : [...(Array.isArray(hooks) ? hooks : [hooks]), check];
  });
}

function isInteger(type: unknown): boolean {
  return type === 'integer' || (Array.isArray(type) && type.includes('integer'));
}
