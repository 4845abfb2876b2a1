import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const files = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
} as const;

// Only this origin's scripts, styles and API: the page builds its DOM with textContent, never from HTML strings.
const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET / and its two static files: the dashboard, plain HTML and JS served as they are (no build step). */
export function registerDashboardRoutes(app: FastifyInstance): void {
  for (const [url, { file, type }] of Object.entries(files)) {
    const body = readFileSync(new URL(`./dashboard/${file}`, import.meta.url));
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-security-policy', contentSecurityPolicy)
        .header('cache-control', 'no-cache')
        .type(type)
        .send(body),
    );
  }
}
