/** The Lambda bundle's entry: `index.handler` (ingest) and `index.fetchHandler` (daily download). */
export { fetchHandler } from './fetch-handler.ts';
export { handler } from './handler.ts';
