/**
 * Boards across nodes through Redis (ioredis). Each room has one pub/sub channel. A change is
 * numbered and published by one Lua script (INCR, then PUBLISH, atomically), so every node
 * receives every change of a room in seq order; the same script keeps the room's completed
 * strokes in a hash, so a node that starts serving a room mid-session gets the board as of a
 * seq (subscribe first, then snapshot: nothing falls between). Cursors and presence are plain
 * PUBLISHes. Members' identities are kept in a hash so that they can resume on any node.
 *
 * Redis down: the node numbers and applies its rooms' changes locally (its own writers carry
 * on; other nodes' do not reach it) and health says so. When Redis is back, each open room is
 * reseeded from the durable store and its members are asked to reconnect for the whole board.
 *
 * Keys (all expire a week after the room's last change): db:{room}:seq, db:{room}:strokes
 * (stroke id -> "seq|json"), db:{room}:corrections (correctionKey -> "seq|json": corrections of
 * numbers, kept like strokes), db:{room}:members (session -> json). Channel: db:{room}.
 */
import { Redis } from 'ioredis';
import { correctionKey, type StoredBoard, type StoredCorrection, type StoredStroke } from '../db/room-store.js';
import type { Change, Channel, ChannelHandlers, RoomBus, SharedMember, Signal, Snapshot } from './bus.js';

const TTL_SECONDS = 7 * 24 * 3600;
const MEMBER_TTL_SECONDS = 3600;

/**
 * KEYS: seq, strokes, corrections. ARGV: channel, ttl, kind, payload, then the stroke id and json
 * (stroke-end), the erased ids, or the correction's key and json ("" when withdrawn).
 */
const PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
local kind = ARGV[3]
if kind == 'stroke-end' then
  redis.call('HSET', KEYS[2], ARGV[5], seq .. '|' .. ARGV[6])
elseif kind == 'erased' then
  for i = 5, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
elseif kind == 'cleared' then
  redis.call('DEL', KEYS[2], KEYS[3])
elseif kind == 'corrected' then
  if ARGV[6] == '' then redis.call('HDEL', KEYS[3], ARGV[5]) else redis.call('HSET', KEYS[3], ARGV[5], seq .. '|' .. ARGV[6]) end
end
if kind ~= 'stroke-points' then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[3], ARGV[2])
end
redis.call('PUBLISH', ARGV[1], seq .. '|' .. ARGV[4])
return seq`;

/** KEYS: seq, strokes, corrections. -> {seq or false, flat hash of strokes, flat hash of corrections}. */
const SNAPSHOT = `return {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}`;

/**
 * KEYS: seq, strokes, corrections. ARGV: ttl, force, floor, the number of strokes n, then n
 * stroke ids and jsons, then correction keys and jsons. Writes the board unless one is there
 * (force: always, after an outage); seq never goes below floor.
 */
const SEED = `
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  return {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
end
local seq = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[3]))
local last = 4 + 2 * tonumber(ARGV[4])
redis.call('DEL', KEYS[2], KEYS[3])
for i = 5, last, 2 do
  seq = seq + 1
  redis.call('HSET', KEYS[2], ARGV[i], seq .. '|' .. ARGV[i + 1])
end
for i = last + 1, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], seq .. '|' .. ARGV[i + 1]) end
seq = seq + 1
redis.call('SET', KEYS[1], seq, 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[1])
return {tostring(seq), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}`;

type Raw = [string | null, string[], string[]];
type BusRedis = Redis & {
  boardPublish(seqKey: string, strokesKey: string, correctionsKey: string, ...args: (string | number)[]): Promise<number>;
  boardSnapshot(seqKey: string, strokesKey: string, correctionsKey: string): Promise<Raw>;
  boardSeed(seqKey: string, strokesKey: string, correctionsKey: string, ...args: (string | number)[]): Promise<Raw>;
};

interface Open {
  roomId: string;
  handlers: ChannelHandlers;
  seed: () => Promise<StoredBoard>;
  /** Highest seq delivered or assigned here. */
  lastSeq: number;
}

const keys = (roomId: string) => ({
  channel: `db:${roomId}`,
  seq: `db:${roomId}:seq`,
  strokes: `db:${roomId}:strokes`,
  corrections: `db:${roomId}:corrections`,
  members: `db:${roomId}:members`,
});

/** The values of a flat HGETALL of "seq|json" entries, parsed, in seq order. */
function entries<T>(flat: string[] = []): T[] {
  const list: { order: number; value: T }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = flat[i + 1];
    const bar = value.indexOf('|');
    list.push({ order: Number(value.slice(0, bar)), value: JSON.parse(value.slice(bar + 1)) as T });
  }
  return list.sort((a, b) => a.order - b.order).map((e) => e.value);
}

function toSnapshot([seq, strokes, corrections]: Raw): Snapshot {
  return { seq: Number(seq ?? 0), strokes: entries<StoredStroke>(strokes), corrections: entries<StoredCorrection>(corrections) };
}

/** boardSeed's arguments after force and floor: the stroke count, the strokes, the corrections. */
const seedArgs = (board: StoredBoard): (string | number)[] => [
  board.strokes.length,
  ...board.strokes.flatMap((s) => [s.id, JSON.stringify(s)]),
  ...board.corrections.flatMap((c) => [correctionKey(c), JSON.stringify(c)]),
];

export interface RedisBusOptions {
  url: string;
  node: string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class RedisBus implements RoomBus {
  readonly node: string;
  private readonly pub: BusRedis;
  private readonly sub: Redis;
  private readonly rooms = new Map<string, Open>();
  private readonly log: RedisBusOptions['log'];
  /** Redis was unreachable since the rooms were last in step with it. */
  private lost = false;
  private downSince: number | null = null;

  constructor(opts: RedisBusOptions) {
    this.node = opts.node;
    this.log = opts.log;
    const common = {
      // Reconnect forever, at most every 2 s; a node keeps serving meanwhile.
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
      connectTimeout: 2_000,
      lazyConnect: false,
    };
    // Commands fail at once while Redis is away (the node then works alone) instead of queueing.
    this.pub = new Redis(opts.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 }) as BusRedis;
    this.sub = new Redis(opts.url, { ...common, autoResubscribe: true });
    this.pub.defineCommand('boardPublish', { numberOfKeys: 3, lua: PUBLISH });
    this.pub.defineCommand('boardSnapshot', { numberOfKeys: 3, lua: SNAPSHOT });
    this.pub.defineCommand('boardSeed', { numberOfKeys: 3, lua: SEED });
    for (const conn of [this.pub, this.sub]) {
      // ioredis reports every failed attempt; the status is in health, one line per outage is enough.
      conn.on('error', () => {});
      conn.on('close', () => this.wentDown());
    }
    this.pub.on('ready', () => void this.cameBack());
    this.sub.on('ready', () => void this.cameBack());
    this.sub.on('message', (channel: string, message: string) => this.onMessage(channel, message));
  }

  /** Resolves when both connections are up (or rejects after `ms`): for startup and tests. */
  async ready(ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.up()) {
      if (Date.now() > deadline) throw new Error('Redis is not reachable');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private up(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  health() {
    return this.up()
      ? { status: 'ok' as const, node: this.node, rooms: this.rooms.size }
      : { status: 'down' as const, node: this.node, rooms: this.rooms.size, downForSeconds: this.downSince ? Math.round((Date.now() - this.downSince) / 1000) : 0 };
  }

  private wentDown(): void {
    if (this.downSince === null) {
      this.downSince = Date.now();
      this.log.warn({ node: this.node }, 'Redis unreachable: serving local boards only');
    }
    this.lost = true;
  }

  /** Both connections are back after an outage: bring every open room back in step. */
  private async cameBack(): Promise<void> {
    if (!this.up() || !this.lost) return;
    this.lost = false;
    const downFor = this.downSince ? Date.now() - this.downSince : 0;
    this.downSince = null;
    this.log.info({ node: this.node, downForMs: downFor }, 'Redis is back: resynchronizing boards');
    for (const open of this.rooms.values()) {
      try {
        // The durable store has every node's acknowledged strokes, including those made while
        // the nodes could not hear each other. If it is away too, Redis's board is kept.
        let stored: StoredBoard | null = null;
        try {
          stored = await open.seed();
        } catch (err) {
          this.log.warn({ err, room: open.roomId }, 'store unreachable while resynchronizing; keeping the board Redis has');
        }
        const k = keys(open.roomId);
        const snapshot = toSnapshot(
          stored
            ? await this.pub.boardSeed(k.seq, k.strokes, k.corrections, TTL_SECONDS, '1', Math.max(open.lastSeq, stored.seq ?? 0), ...seedArgs(stored))
            : await this.pub.boardSnapshot(k.seq, k.strokes, k.corrections),
        );
        // The room takes this board and seq as they are; its members get the whole board on
        // reconnecting, so numbers handed out during the outage cannot be mistaken for current.
        open.lastSeq = snapshot.seq;
        open.handlers.resync(snapshot);
      } catch (err) {
        this.log.warn({ err, room: open.roomId }, 'resynchronizing a board failed; retrying on the next reconnect');
        this.lost = true;
      }
    }
  }

  private onMessage(channel: string, message: string): void {
    const open = this.rooms.get(channel.slice(3));
    if (!open) return;
    const bar = message.indexOf('|');
    const head = message.slice(0, bar);
    if (head === 's') {
      // Signals: "s|<node>|json"; our own come back too and are skipped.
      const second = message.indexOf('|', bar + 1);
      if (message.slice(bar + 1, second) === this.node) return;
      open.handlers.signal(JSON.parse(message.slice(second + 1)) as Signal);
      return;
    }
    const seq = Number(head);
    if (seq > open.lastSeq) open.lastSeq = seq;
    open.handlers.change(seq, JSON.parse(message.slice(bar + 1)) as Change);
  }

  async open(roomId: string, handlers: ChannelHandlers, seed: () => Promise<StoredBoard>): Promise<{ channel: Channel; snapshot: Snapshot }> {
    const k = keys(roomId);
    const open: Open = { roomId, handlers, seed, lastSeq: 0 };
    this.rooms.set(roomId, open);
    let snapshot: Snapshot;
    try {
      if (!this.up()) throw new Error('Redis is not reachable');
      // Subscribe, then read the board: a change published in between is both in the snapshot
      // and delivered, and the room skips deliveries at or below the snapshot's seq.
      await this.sub.subscribe(k.channel);
      let raw = await this.pub.boardSnapshot(k.seq, k.strokes, k.corrections);
      if (raw[0] === null) {
        // Redis has no board (a new room, or keys expired or lost): seq continues after the store's.
        const stored = await seed();
        raw = await this.pub.boardSeed(k.seq, k.strokes, k.corrections, TTL_SECONDS, '0', stored.seq ?? 0, ...seedArgs(stored));
      }
      snapshot = toSnapshot(raw);
    } catch (err) {
      if (this.up()) {
        this.rooms.delete(roomId);
        void this.sub.unsubscribe(k.channel).catch(() => {});
        throw err;
      }
      // Redis is away: serve the board from the store, alone; it is reseeded when Redis returns.
      this.log.warn({ err, room: roomId }, 'opening a board without Redis');
      this.lost = true;
      // The subscription is queued by ioredis and made on reconnect.
      void this.sub.subscribe(k.channel).catch(() => {});
      const stored = await seed();
      snapshot = { seq: stored.seq ?? 0, strokes: stored.strokes, corrections: stored.corrections };
    }
    open.lastSeq = Math.max(open.lastSeq, snapshot.seq);

    const local = (change: Change): number => {
      // Without Redis: number the change here and apply it at once (this node's writers only).
      this.lost = true;
      const seq = ++open.lastSeq;
      handlers.change(seq, change);
      return seq;
    };
    const channel: Channel = {
      publish: async (change) => {
        if (!this.up()) return local(change);
        const args: (string | number)[] = [k.channel, TTL_SECONDS, change.type, JSON.stringify(change)];
        if (change.type === 'stroke-end') args.push(change.stroke.id, JSON.stringify(change.stroke));
        else if (change.type === 'erased') args.push(...change.strokeIds);
        else if (change.type === 'corrected') {
          const { type: _type, ...correction } = change;
          args.push(correctionKey(correction), correction.text === '' ? '' : JSON.stringify(correction));
        }
        try {
          return await this.pub.boardPublish(k.seq, k.strokes, k.corrections, ...args);
        } catch (err) {
          // Lost on the way: keep the writer going locally; the board is reseeded when Redis returns.
          this.log.warn({ err, room: roomId }, 'publishing through Redis failed; applying locally');
          return local(change);
        }
      },
      signal: (signal) => {
        if (this.up()) this.pub.publish(k.channel, `s|${this.node}|${JSON.stringify(signal)}`).catch(() => {});
      },
      saveMember: (session, member) => {
        if (!this.up()) return;
        this.pub
          .multi()
          .hset(k.members, session, JSON.stringify(member))
          .expire(k.members, MEMBER_TTL_SECONDS)
          .exec()
          .catch(() => {});
      },
      dropCorrections: (dropped) => {
        if (this.up() && dropped.length > 0) this.pub.hdel(k.corrections, ...dropped).catch(() => {});
      },
      loadMember: async (session) => {
        if (!this.up()) return null;
        try {
          const raw = await this.pub.hget(k.members, session);
          return raw ? (JSON.parse(raw) as SharedMember) : null;
        } catch {
          return null;
        }
      },
      close: () => {
        if (this.rooms.get(roomId) === open) this.rooms.delete(roomId);
        this.sub.unsubscribe(k.channel).catch(() => {});
      },
    };
    return { channel, snapshot };
  }

  async close(): Promise<void> {
    this.rooms.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
