import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * On close, drops the connections that never carried a request. Browsers
 * open spare connections they may never use; Node does not count one that
 * has sent nothing as idle, so closing the server waited for its
 * headersTimeout (60 s) after a dashboard visit. Connections that served a
 * request are left to Fastify (`forceCloseConnections: 'idle'`).
 */
export function dropUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', async () => {
    for (const socket of unused) socket.destroy();
  });
}
