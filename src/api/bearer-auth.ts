import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { OpaisError } from '../errors.ts';

/**
 * Requires `Authorization: Bearer <token>` on every route but the public
 * ones: the dashboard's static files (its data calls carry the token), the
 * API description and /health (for probes). The hook is added per route,
 * after the rate limiter's, so guessing tokens is rate-limited too.
 * Returns the check itself, for public routes that show more to a caller
 * with the token.
 */
export function installBearerAuth(app: FastifyInstance, token: string): (request: FastifyRequest) => boolean {
  const expected = digest(token);
  const carriesToken = (request: FastifyRequest) => {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest((match[1] as string).trim()), expected);
  };
  const check: onRequestHookHandler = async (request: FastifyRequest) => {
    if (!carriesToken(request)) {
      throw new OpaisError('UNAUTHORIZED', 'send the API token as "Authorization: Bearer <token>"');
    }
  };
  app.addHook('onRoute', (route) => {
    if (isPublic(route.url)) return;
    const hooks = route.onRequest;
    route.onRequest = hooks === undefined ? [check] : [...(Array.isArray(hooks) ? hooks : [hooks]), check];
  });
  return carriesToken;
}

function isPublic(url: string): boolean {
  return (
    url === '/' ||
    url === '/health' ||
    url.startsWith('/dashboard/') ||
    url === '/docs' ||
    url.startsWith('/docs/')
  );
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token's length.
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
