import pg from 'pg';
import { projectionsChannel } from './checkpoints.ts';

/**
 * Calls `onCommit` whenever projectors commit a snapshot (their checkpoints
 * notify `projectionsChannel`): what the API's live feed waits on, since it
 * reads the change_feed table, which moves when the projections do rather
 * than when events are appended. The same contract as the event store's
 * `subscribe`: resolves once listening; `onLost` once if the connection
 * ends by itself.
 */
export async function subscribeToProjections(
  connectionString: string,
  handlers: { onCommit: () => void; onLost: (error?: unknown) => void },
): Promise<{ close(): Promise<void> }> {
  const client = new pg.Client({ connectionString });
  let open = false;
  const end = () => {
    open = false;
    client.removeAllListeners();
    client.on('error', () => {});
    return client.end().catch(() => {});
  };
  const lost = (error?: unknown) => {
    if (!open) return;
    void end();
    handlers.onLost(error);
  };
  client.on('notification', (message) => {
    if (message.channel === projectionsChannel) handlers.onCommit();
  });
  client.on('error', lost);
  client.on('end', () => lost());
  try {
    await client.connect();
    await client.query(`listen ${projectionsChannel}`);
    open = true;
  } catch (error) {
    await end();
    throw error;
  }
  return {
    async close() {
      if (open) await end();
    },
  };
}
