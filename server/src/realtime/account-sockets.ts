/**
 * Which open board sockets were opened by which account and session, so that logout and account
 * deletion end the account on every one of them at once. A socket learns its account once, from
 * the cookie on its upgrade (ws-route.ts); without this registry it would keep writing into the
 * history of an account that signed out, or was deleted, until it happened to reconnect.
 *
 * Ended sockets are closed with SIGNED_OUT_CLOSE_CODE. The client reconnects (the code is not
 * fatal to it) and resumes its place on the board as whoever its cookie now says: anonymous.
 *
 * With REDIS_URL, logout and deletion are published to every node (one small pub/sub channel),
 * so a tab connected through another node is ended too. While Redis is away they end the
 * sockets of this node only.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { WebSocket } from 'ws';
import { CloseCode } from '../../../common/protocol-constants.js';

/**
 * Close code of a socket whose account signed out or was deleted (docs/protocol.md). It belongs
 * in CloseCode (common/protocol-constants.ts) as `signedOut`; it is here until that file takes it.
 */
export const SIGNED_OUT_CLOSE_CODE = CloseCode.signedOut;

/** Who opened a socket: the account and the SHA-256 of the session token (sessions' row id). */
export interface SocketOwner {
  userId: string;
  sessionId: string;
}

/**
 * Long enough that a board record scheduled before a deletion (it fires within RECORD_AFTER_MS,
 * or when its room closes after the resume window) finds the account still marked as deleted.
 */
const DELETED_TTL_MS = 10 * 60_000;
/** A socket whose upgrade was read before its session ended, and that opened after, is ended too. */
const ENDED_SESSION_TTL_MS = 60_000;

type Ended = { type: 'session'; id: string } | { type: 'account'; id: string };

export class AccountSockets {
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private readonly byUser = new Map<string, Set<WebSocket>>();
  /** Recently ended sessions and deleted accounts, with when they expire from these maps. */
  private readonly endedSessions = new Map<string, number>();
  private readonly deletedUsers = new Map<string, number>();

  /** Called by other nodes' messages and by this node's routes alike. */
  onEnded: ((ended: Ended) => void) | null = null;

  /** Registers a socket opened with a session; it leaves the registry when it closes. */
  add(socket: WebSocket, owner: SocketOwner): void {
    if (this.live(this.endedSessions, owner.sessionId) || this.isDeleted(owner.userId)) {
      this.end(socket);
      return;
    }
    const index = (map: Map<string, Set<WebSocket>>, key: string) => {
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(socket);
    };
    index(this.bySession, owner.sessionId);
    index(this.byUser, owner.userId);
    socket.once('close', () => {
      this.unindex(this.bySession, owner.sessionId, socket);
      this.unindex(this.byUser, owner.userId, socket);
    });
  }

  /** The session (by its SHA-256 id) signed out: close its sockets. Returns how many. */
  signedOut(sessionId: string): number {
    this.remember(this.endedSessions, sessionId, ENDED_SESSION_TTL_MS);
    this.onEnded?.({ type: 'session', id: sessionId });
    return this.endAll(this.bySession.get(sessionId));
  }

  /** The account is being deleted: close every socket of every session of it. */
  accountDeleted(userId: string): number {
    this.remember(this.deletedUsers, userId, DELETED_TTL_MS);
    this.onEnded?.({ type: 'account', id: userId });
    return this.endAll(this.byUser.get(userId));
  }

  /** Applies another node's message (not published again). */
  applyRemote(ended: Ended): void {
    const onEnded = this.onEnded;
    this.onEnded = null;
    try {
      if (ended.type === 'session') this.signedOut(ended.id);
      else this.accountDeleted(ended.id);
    } finally {
      this.onEnded = onEnded;
    }
  }

  /** Deleted a short while ago: nothing may be written for it (it would break a foreign key). */
  isDeleted(userId: string): boolean {
    return this.live(this.deletedUsers, userId);
  }

  /** Open sockets of the account (for tests and health). */
  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  private endAll(sockets: Set<WebSocket> | undefined): number {
    if (!sockets) return 0;
    const all = [...sockets];
    for (const socket of all) this.end(socket);
    return all.length;
  }

  private end(socket: WebSocket): void {
    // ws still delivers frames that arrive before the client answers the close frame: without
    // their listeners, a digit sent just after logout is dropped rather than handled as the account's.
    // Again on the next tick: a socket ended as it opens gets the route's listeners just after.
    socket.removeAllListeners('message');
    process.nextTick(() => socket.removeAllListeners('message'));
    socket.close(SIGNED_OUT_CLOSE_CODE, 'signed out');
  }

  private unindex(map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket): void {
    const set = map.get(key);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) map.delete(key);
  }

  private remember(map: Map<string, number>, key: string, ttlMs: number): void {
    const now = Date.now();
    // Prune on write: these maps only grow with logouts and deletions.
    for (const [k, until] of map) if (until <= now) map.delete(k);
    map.set(key, now + ttlMs);
  }

  private live(map: Map<string, number>, key: string): boolean {
    const until = map.get(key);
    return until !== undefined && until > Date.now();
  }
}

/** Who opened each upgrade request (set by the auth plugin's hook, read when its socket opens). */
const owners = new WeakMap<IncomingMessage, SocketOwner>();

/** Called by the auth hook for every request with a valid session. */
export function noteOwner(raw: IncomingMessage, owner: SocketOwner): void {
  owners.set(raw, owner);
}

declare module 'fastify' {
  interface FastifyInstance {
    accountSockets: AccountSockets;
  }
}

export interface AccountSocketsOptions {
  /** Share logouts and deletions with the other nodes on this Redis. */
  redisUrl?: string;
  nodeId?: string;
}

const CHANNEL = 'digitboard:accounts-ended';

function bridge(registry: AccountSockets, url: string, node: string, log: FastifyBaseLogger): () => Promise<void> {
  const common = { retryStrategy: (times: number) => Math.min(100 * times, 2_000), connectTimeout: 2_000 };
  const pub = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const sub = new Redis(url, { ...common, autoResubscribe: true });
  // The bus's health check reports Redis outages; no log line per reconnect attempt here.
  for (const conn of [pub, sub]) conn.on('error', () => {});
  void sub.subscribe(CHANNEL).catch(() => {});
  sub.on('message', (_channel: string, message: string) => {
    try {
      const { from, ended } = JSON.parse(message) as { from: string; ended: Ended };
      if (from !== node && (ended.type === 'session' || ended.type === 'account') && typeof ended.id === 'string') registry.applyRemote(ended);
    } catch {
      // Not ours to answer: a malformed message on our channel is ignored.
    }
  });
  registry.onEnded = (ended) => {
    pub.publish(CHANNEL, JSON.stringify({ from: node, ended })).catch((err: unknown) => {
      log.warn({ err, ended: ended.type }, 'could not tell other nodes about a logout or deletion (Redis away): their sockets keep the account until they reconnect');
    });
  };
  return async () => {
    registry.onEnded = null;
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}

/**
 * `app.accountSockets`. Register after auth and before the routes; it reads sockets from
 * @fastify/websocket's server once the app is ready, so the order against it does not matter.
 */
export default fp<AccountSocketsOptions>(
  async (app, opts) => {
    const registry = new AccountSockets();
    app.decorate('accountSockets', registry);
    app.addHook('onReady', async () => {
      if (!app.hasDecorator('websocketServer')) return;
      // @fastify/websocket emits 'connection' with the raw upgrade request, before the route's handler.
      app.websocketServer.on('connection', (socket: WebSocket, raw: IncomingMessage) => {
        const owner = owners.get(raw);
        if (owner) registry.add(socket, owner);
      });
    });
    if (opts.redisUrl) {
      const close = bridge(registry, opts.redisUrl, opts.nodeId ?? `${hostname()}-${process.pid}`, app.log);
      app.addHook('onClose', close);
    }
  },
  { name: 'account-sockets', dependencies: ['auth'] },
);
