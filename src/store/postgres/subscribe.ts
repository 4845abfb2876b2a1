import pg from 'pg';
import type { Subscription } from '../event-store.ts';
import * as plans from './plans.ts';

/** LISTENs on the commit channel on a connection of its own (a pooled one would be handed to others). */
export async function subscribe(
  connectionString: string,
  handlers: { onCommit: () => void; onLost: (error?: unknown) => void },
): Promise<Subscription> {
  const client = new pg.Client({ connectionString });
  // Losses are reported only once listening; before that, connect or listen rejects.
  let open = false;
  const lost = (error?: unknown) => {
    if (!open) return;
    open = false;
    client.removeAllListeners();
    client.on('error', () => {});
    client.end().catch(() => {});
    handlers.onLost(error);
  };
  client.on('notification', (message) => {
    if (message.channel === plans.eventsChannel) handlers.onCommit();
  });
  client.on('error', lost);
  client.on('end', () => lost());
  try {
    await client.connect();
    await client.query(plans.listen);
    open = true;
  } catch (error) {
    client.removeAllListeners();
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async close() {
      if (!open) return;
      open = false;
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    },
  };
}
