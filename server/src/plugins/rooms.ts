/** The shared boards as a Fastify service: a registry of rooms backed by the file store. */
import fp from 'fastify-plugin';
import path from 'node:path';
import { recognizeStrokes } from '../recognition/recognizer.js';
import { FileRoomStore, type RoomStore } from '../realtime/room-store.js';
import { RoomRegistry } from '../realtime/rooms.js';

declare module 'fastify' {
  interface FastifyInstance {
    rooms: RoomRegistry;
  }
}

export interface RoomsOptions {
  dataDir: string;
  /** Tests pass a MemoryRoomStore. */
  store?: RoomStore;
}

export default fp<RoomsOptions>(
  async (app, opts) => {
    const registry = new RoomRegistry({
      store: opts.store ?? new FileRoomStore(path.join(opts.dataDir, 'rooms')),
      recognize: (strokes) => recognizeStrokes(app.inference, strokes),
      modelVersion: app.inference.manifest.version,
      log: app.log,
      record: ({ userId, strokes, box, recognition }) =>
        app.history.record({
          userId,
          source: 'board',
          input: { strokes, width: box.x + box.width, height: box.y + box.height },
          recognition,
          latencyMs: recognition.ms,
        }),
    });
    app.decorate('rooms', registry);
    app.addHook('onClose', () => registry.close());
  },
  { name: 'rooms', dependencies: ['inference', 'history'] },
);
