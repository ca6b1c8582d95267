/** The rooms this process serves: loaded on first join, dropped from memory when idle. */
import { randomBytes } from 'node:crypto';
import { systemClock, type Cancel } from './clock.js';
import { Room, type RoomDeps } from './room.js';

const SWEEP_MS = 30_000;

export class RoomRegistry {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly stopSweep: Cancel;

  constructor(private readonly deps: RoomDeps) {
    this.stopSweep = (deps.clock ?? systemClock).every(SWEEP_MS, () => this.sweep());
  }

  /** A fresh, unguessable room id (128 bits). */
  static newId(): string {
    return randomBytes(16).toString('base64url');
  }

  /** The room, loading its stored board the first time (concurrent callers share one load). */
  async get(id: string): Promise<Room> {
    for (;;) {
      let promise = this.rooms.get(id);
      if (!promise) {
        promise = Room.load(id, this.deps);
        this.rooms.set(id, promise);
        promise.catch(() => this.rooms.delete(id));
      }
      const room = await promise;
      // Dropped by the sweep while we waited: open it again.
      if (!room.closed) return room;
      if (this.rooms.get(id) === promise) this.rooms.delete(id);
    }
  }

  get size(): number {
    return this.rooms.size;
  }

  private sweep(): void {
    for (const [id, promise] of this.rooms) {
      void promise.then((room) => {
        if (room.idle() && this.rooms.get(id) === promise) {
          this.rooms.delete(id);
          room.close();
          // The store compacts the board it will not be asked to write for a while. A join that
          // comes meanwhile loads it after the compaction (the store runs a room's work in order).
          this.deps.store.release?.(id).catch((err: Error) => this.deps.log.warn({ err, room: id }, 'releasing a board failed'));
        }
      }, () => {});
    }
  }

  async close(): Promise<void> {
    this.stopSweep();
    const rooms = await Promise.allSettled(this.rooms.values());
    for (const r of rooms) if (r.status === 'fulfilled') r.value.close();
    this.rooms.clear();
    await this.deps.store.close();
    await this.deps.bus?.close();
  }
}
