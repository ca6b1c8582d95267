/**
 * GET /ws: the board's WebSocket. Listeners are attached synchronously (before any await) so no
 * early frame is lost; the Origin is checked before the upgrade (cross-site WebSocket hijacking).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { CloseCode } from '../../../common/protocol.js';
import { Connection } from './connection.js';

/** A client that lets this much unsent data pile up is too slow: drop it; it resumes on reconnect. */
export const MAX_BUFFERED_BYTES = 1 << 20;

export interface WsRouteOptions {
  /** Extra origins allowed besides the server's own host. */
  allowedOrigins: string[];
}

function sameOriginOrAllowed(request: FastifyRequest, allowed: string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // Non-browser clients send no Origin; browsers always do.
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, opts) => {
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!sameOriginOrAllowed(request, opts.allowedOrigins)) {
          await reply.status(403).send({ statusCode: 403, code: 'forbidden_origin', error: 'Forbidden', message: 'Origin not allowed' });
        }
      },
    },
    (socket, request) => {
      // Messages produced in one turn of the event loop leave as one frame (a JSON array when
      // there are several): under load a busy room sends each socket one frame per turn instead
      // of one per event, which is what keeps 100 writers x 60 Hz within a 2-core budget.
      let queue: string[] = [];
      const flush = () => {
        const batch = queue;
        queue = [];
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(CloseCode.rateLimited, 'client too slow');
          return;
        }
        socket.send(batch.length === 1 ? batch[0] : `[${batch.join(',')}]`);
      };
      const connection = new Connection(
        {
          send: (data) => {
            if (queue.push(data) === 1) setImmediate(flush);
          },
          close: (code, reason) => {
            if (queue.length > 0) flush();
            socket.close(code, reason);
          },
        },
        app.rooms,
        request.log,
        request.user?.id ?? null,
      );
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          socket.send(JSON.stringify({ type: 'error', code: 'bad_message', message: 'binary frames are not accepted; send JSON text' }));
          return;
        }
        try {
          connection.handle(data.toString());
        } catch (err) {
          // Connection.handle answers bad input itself; anything thrown is our bug. It costs this
          // socket, never the process (and every other board with it).
          request.log.error({ err }, 'websocket message handler failed');
          socket.close(1011, 'internal error');
        }
      });
      socket.on('close', () => connection.dispose());
      socket.on('error', (err) => request.log.warn({ err }, 'websocket error'));
    },
  );
};

export default wsRoute;
