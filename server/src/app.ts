/**
 * The application as a Fastify plugin: tests register it on an instance and drive it with
 * inject()/injectWS() without a port; server.ts adds logging, signals and listen().
 */
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ERRORS } from '../../common/error-codes.js';
import { CloseCode, MAX_FRAME_BYTES } from '../../common/protocol.js';
import type { Config } from './config.js';
import { providerOf } from './db/provider.js';
import { errorHandler } from './error-handler.js';
import security from './plugins/security.js';
import health from './plugins/health.js';
import auth from './plugins/auth.js';
import accountSockets from './realtime/account-sockets.js';
import history from './plugins/history.js';
import inference from './plugins/inference.js';
import prisma from './plugins/prisma.js';
import authRoutes from './routes/api/auth.js';
import authEmailRoutes from './routes/api/auth-email.js';
import mailer from './mail/mailer.js';
import recognitionsRoutes from './routes/api/recognitions.js';
import rooms from './plugins/rooms.js';
import roomRoutes from './routes/api/rooms.js';
import roomExportRoute from './routes/api/room-export.js';
import wsRoute from './realtime/ws-route.js';
import healthRoute from './routes/api/health.js';
import modelRoutes from './routes/api/model.js';
import recognizeRoute from './routes/api/recognize.js';
import ortAssets from './routes/ort-assets.js';

async function digitboard(fastify: FastifyInstance, config: Config): Promise<void> {
  fastify.setErrorHandler(errorHandler);
  // Security headers and the Content Security Policy, before any route (the /docs policy too).
  await fastify.register(security);
  await fastify.register(health);
  // The API speaks JSON (and, for uploads, images): plain text is a 415, not a string body.
  fastify.removeContentTypeParser('text/plain');
  // OpenAPI description of every route schema, browsable at /docs (assets served locally).
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'Digitboard API', version: '1', description: 'Handwritten digit recognition. WebSocket protocol: docs/protocol.md.' },
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });
  // Accounts first: every route after this, GET /ws included, sees request.user.
  await fastify.register(prisma, { url: config.DATABASE_URL });
  await fastify.register(auth);
  await fastify.register(mailer, { smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  // Logout and account deletion end the account on its open board sockets, on every node.
  await fastify.register(accountSockets, { redisUrl: config.REDIS_URL, nodeId: config.NODE_ID });
  await fastify.register(history);
  await fastify.register(inference, { modelPath: config.MODEL_PATH, threads: config.INFERENCE_THREADS, maxBatch: config.INFERENCE_MAX_BATCH });
  // permessage-deflate stays off (ws's default): compression costs CPU and memory per socket.
  await fastify.register(rooms, {
    dataDir: config.DATA_DIR,
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    nodeId: config.NODE_ID,
    rasterizer: config.BOARD_RASTERIZER,
    maxBoardBytes: config.BOARD_MAX_FILE_BYTES,
  });
  await fastify.register(websocket, {
    options: { maxPayload: MAX_FRAME_BYTES },
    // A client's protocol error (oversized or malformed frame) is the client's problem: ws
    // already closes with the right code (1009, 1002); the default handler would log it as a
    // server error and terminate the socket before that close frame goes out.
    errorHandler: (error, _socket, request) => request.log.warn({ err: error }, 'websocket client error'),
    // Shutting down: every client is told so (4010) and reconnects, to another node if there is one.
    // Their close handshakes get a second; queued board and history writes are flushed after.
    preClose(done) {
      const wss = fastify.websocketServer;
      for (const client of wss.clients) client.close(CloseCode.serverShutdown, 'server restarting');
      const timer = setTimeout(finish, 1_000);
      let finished = false;
      function finish() {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        for (const client of wss.clients) client.terminate();
        done();
      }
      wss.close(finish);
    },
  });
  // Boards are files under DATA_DIR/rooms with the SQLite default (PostgreSQL holds them otherwise).
  const boardsDir = providerOf(config.DATABASE_URL) === 'sqlite' ? path.join(config.DATA_DIR, 'rooms') : undefined;
  await fastify.register(healthRoute, { dataDir: boardsDir, nodeId: config.NODE_ID });
  await fastify.register(modelRoutes);
  await fastify.register(recognizeRoute, { perMinute: config.RECOGNIZE_PER_MINUTE });
  await fastify.register(ortAssets);
  await fastify.register(roomRoutes);
  await fastify.register(roomExportRoute, { perMinute: config.RECOGNIZE_PER_MINUTE });
  await fastify.register(authRoutes, { publicUrl: config.PUBLIC_URL });
  await fastify.register(authEmailRoutes, { publicUrl: config.PUBLIC_URL });
  await fastify.register(recognitionsRoutes);
  await fastify.register(wsRoute, {
    allowedOrigins: [],
    socketsPerAddress: config.WS_PER_ADDRESS,
    flushIntervalMs: config.WS_FLUSH_MS,
    maxFlushIntervalMs: config.WS_FLUSH_MAX_MS,
  });

  if (existsSync(path.join(config.CLIENT_DIR, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: config.CLIENT_DIR, wildcard: false });
    // A board's shareable URL is the client page; the client reads the room id from the path.
    fastify.get('/r/:room', (_req, reply) => reply.sendFile('index.html'));
  } else {
    fastify.get('/', async (_req, reply) =>
      reply.type('text/plain').send(`The client is not built (${config.CLIENT_DIR} is missing): run npm run build.`),
    );
  }
  fastify.setNotFoundHandler((request, reply) => {
    // The history's not_found code, with a message about the route instead of a recognition.
    void reply.status(404).send({ statusCode: 404, code: ERRORS.notFound.code, error: 'Not Found', message: `No route ${request.method} ${request.url}` });
  });
}

/** Not encapsulated: tests call inject()/injectWS() on the instance the app is registered on. */
export const app = fp(digitboard, { name: 'digitboard' });

/** Fastify options shared by the server and tests. */
export const fastifyOptions = {
  // Types are not coerced: "5" is not a number, a wrong type is a 400.
  ajv: { customOptions: { coerceTypes: false, allErrors: false } },
  bodyLimit: 1 << 20,
};
