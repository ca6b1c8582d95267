/**
 * The shared boards as a Fastify service: a registry of rooms. Boards are stored in PostgreSQL
 * when DATABASE_URL names one (every node sees them), otherwise in files under DATA_DIR; with
 * REDIS_URL, boards span every node of the cluster through Redis.
 */
import fp from 'fastify-plugin';
import { hostname } from 'node:os';
import path from 'node:path';
import { displayNameOf } from '../db/accounts.js';
import { BoardWriters } from '../db/board-writers.js';
import { providerOf } from '../db/provider.js';
import { FileRoomStore, type RoomStore } from '../db/room-store.js';
import { BoardRasterizer, rasterizeStrokes } from '../recognition/rasterize.js';
import { minExtentFor } from '../../../common/ink-reading.js';
import { BOARD_HEIGHT, BOARD_WIDTH } from '../../../common/protocol-constants.js';
import { DigitCache, recognizeStrokes } from '../recognition/recognizer.js';
import { PrismaRoomStore } from '../db/prisma-room-store.js';
import { RedisBus } from '../realtime/redis-bus.js';
import { RoomRegistry } from '../realtime/rooms.js';

declare module 'fastify' {
  interface FastifyInstance {
    rooms: RoomRegistry;
  }
}

export interface RoomsOptions {
  dataDir: string;
  /** Boards go to this database when it is PostgreSQL. */
  databaseUrl?: string;
  /** Join the cluster of nodes sharing this Redis. */
  redisUrl?: string;
  nodeId?: string;
  /** What draws a board's digits (BOARD_RASTERIZER; default: at once, on the event loop). */
  rasterizer?: 'event-loop' | 'sharp';
  /** A stored board larger than this is refused (BOARD_MAX_FILE_BYTES). */
  maxBoardBytes?: number;
  /** Tests pass a MemoryRoomStore. */
  store?: RoomStore;
}

export default fp<RoomsOptions>(
  async (app, opts) => {
    const log = app.log.child({ service: 'rooms' });
    const store =
      opts.store ??
      (opts.databaseUrl && providerOf(opts.databaseUrl) === 'postgresql'
        ? new PrismaRoomStore(app.prisma, { log, maxBoardBytes: opts.maxBoardBytes })
        : new FileRoomStore(path.join(opts.dataDir, 'rooms'), { log, maxFileBytes: opts.maxBoardBytes }));
    if (store instanceof PrismaRoomStore) app.databaseWriters.set('rooms', store.stats);
    if (opts.redisUrl && !(store instanceof PrismaRoomStore) && !opts.store) {
      log.warn('REDIS_URL without a PostgreSQL DATABASE_URL: boards and accounts are stored on this node only, so other nodes cannot load them after a restart');
    }
    const bus = opts.redisUrl ? new RedisBus({ url: opts.redisUrl, node: opts.nodeId ?? `${hostname()}-${process.pid}`, log }) : undefined;
    // Shared by every board of this node: a pen-up re-classifies only the digits that changed.
    const digits = new DigitCache();
    const BOARD_MIN_EXTENT = minExtentFor(BOARD_WIDTH, BOARD_HEIGHT);
    // A pen-up's result goes out in the same turn of the event loop as the pen-up itself: drawn
    // at once and classified by the micro-batcher's microtask.
    const rasterize = opts.rasterizer === 'sharp' ? rasterizeStrokes : new BoardRasterizer().rasterize;
    const registry = new RoomRegistry({
      store,
      bus,
      recognize: (strokes) => recognizeStrokes(app.inference, strokes, { cache: digits, rasterize, minExtent: BOARD_MIN_EXTENT }),
      modelVersion: app.inference.manifest.version,
      // A signed-in writer shows the display name they chose (PATCH /api/me), cleaned; without
      // one, the name their client sends, like anyone. Never anything taken from their email.
      nameOf: (userId) => displayNameOf(app.prisma, userId),
      // Writers are kept in the database (PostgreSQL in a cluster), so that a reload finds the
      // same participant after a restart and on any node.
      writers: new BoardWriters(app.prisma),
      log: app.log,
      record: ({ userId, key, strokes, box, recognition, correctedText, replaces }) => {
        // A number that settles after its writer's account was deleted is not theirs to keep
        // (and its row would break the foreign key).
        if (app.hasDecorator('accountSockets') && app.accountSockets.isDeleted(userId)) return;
        app.history.record({
          userId,
          boardKey: key,
          source: 'board',
          input: { strokes, width: box.x + box.width, height: box.y + box.height },
          recognition,
          latencyMs: recognition.ms,
          correctedText,
          replaces,
        });
      },
      // The room's correction of a number: its record takes it, whoever corrected it.
      correct: (key, text) => app.history.correctBoard(key, text),
    });
    app.decorate('rooms', registry);
    if (bus && app.hasDecorator('health')) app.health.register('redis', () => bus.health());
    app.addHook('onClose', () => registry.close());
  },
  { name: 'rooms', dependencies: ['inference', 'history', 'prisma'] },
);
