/**
 * One WebSocket: parses and validates every frame, does the handshake, applies per-connection
 * rate limits, and hands board messages to the member's room. Never throws on bad input: an
 * error message or a close with a reason.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { TokenBucket } from 'limiter';
import { ClientMessageSchema, CloseCode, ErrorCode, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../../../common/protocol.js';
import type { Member, MemberSocket, Room } from './room.js';
import { RoomRegistry } from './rooms.js';

const checkClientMessage = TypeCompiler.Compile(ClientMessageSchema);

/** Per connection: sustained rates with bursts twice as large. 60 Hz drawing uses ~60 msg/s. */
export const RATE = { messagesPerSecond: 200, pointsPerSecond: 4_000 } as const;
/** Rate-limited messages tolerated before the connection is closed. */
const MAX_STRIKES = 100;
/** Frames queued while the room loads. */
const MAX_EARLY_FRAMES = 256;

function describeInvalid(value: unknown): string {
  const first = checkClientMessage.Errors(value).First();
  // Only a string type is echoed back, cut short: String() of a deeply nested array recurses
  // until the stack overflows (found by the fuzz suite).
  const raw = typeof value === 'object' && value !== null && 'type' in value ? (value as { type: unknown }).type : undefined;
  const type = typeof raw === 'string' ? raw.slice(0, 64) : undefined;
  const where = first ? `${first.path || '/'}: ${first.message}` : 'invalid message';
  return type ? `invalid '${type}' message at ${where}` : `invalid message at ${where}`;
}

export class Connection {
  private state: 'new' | 'joining' | 'joined' | 'closed' = 'new';
  private room: Room | null = null;
  private member: Member | null = null;
  private readonly early: string[] = [];
  private readonly messages = new TokenBucket({ bucketSize: RATE.messagesPerSecond * 2, tokensPerInterval: RATE.messagesPerSecond, interval: 'second' });
  private readonly points = new TokenBucket({ bucketSize: RATE.pointsPerSecond * 2, tokensPerInterval: RATE.pointsPerSecond, interval: 'second' });
  private strikes = 0;

  constructor(
    private readonly socket: MemberSocket,
    private readonly rooms: RoomRegistry,
    private readonly log: { warn(obj: object, msg: string): void },
    /** The logged-in account that opened this socket (read from the session cookie on upgrade). */
    private readonly userId: string | null = null,
  ) {
    // limiter's buckets start empty; a new connection starts with its full burst allowance.
    this.messages.content = this.messages.bucketSize;
    this.points.content = this.points.bucketSize;
  }

  handle(raw: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'joining') {
      if (this.early.length >= MAX_EARLY_FRAMES) return this.close(CloseCode.rateLimited, 'too many messages before the board loaded');
      this.early.push(raw);
      return;
    }
    if (!this.messages.tryRemoveTokens(1)) return this.strike();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return this.error(ErrorCode.badJson, 'frame is not valid JSON');
    }
    if (!checkClientMessage.Check(value)) {
      if (this.state === 'new') return this.close(CloseCode.badHandshake, 'expected a valid hello message first');
      return this.error(ErrorCode.badMessage, describeInvalid(value));
    }
    this.dispatch(value);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  dispose(): void {
    if (this.room && this.member) this.room.leave(this.member, this.socket);
    this.state = 'closed';
  }

  private dispatch(msg: ClientMessage): void {
    if (msg.type === 'hello') {
      if (this.state !== 'new') return this.close(CloseCode.badHandshake, 'hello sent twice');
      if (msg.protocol !== PROTOCOL_VERSION) {
        return this.close(CloseCode.versionMismatch, `protocol ${msg.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`);
      }
      return this.join(msg);
    }
    if (this.state !== 'joined') return this.close(CloseCode.badHandshake, 'expected a hello message first');
    if (msg.type === 'ping') return this.send({ type: 'pong', t: msg.t });
    if ((msg.type === 'stroke-begin' || msg.type === 'stroke-points') && !this.points.tryRemoveTokens(msg.points.length)) return this.strike();
    this.room!.handle(this.member!, msg);
  }

  private join(hello: Extract<ClientMessage, { type: 'hello' }>): void {
    this.state = 'joining';
    this.rooms
      .get(hello.room ?? RoomRegistry.newId())
      .then(async (room) => {
        if (this.state === 'closed') return;
        const member = await room.join(this.socket, hello, this.userId);
        if (!member) {
          this.state = 'closed';
          return;
        }
        // The socket may have closed while the member was looked up on the bus.
        if (this.isClosed()) return room.leave(member, this.socket);
        this.room = room;
        this.member = member;
        this.state = 'joined';
        for (const raw of this.early.splice(0)) this.handle(raw);
      })
      .catch((err: Error) => {
        this.log.warn({ err }, 'loading a room failed');
        this.close(1011, 'the board could not be loaded; try again');
      });
  }

  private strike(): void {
    this.strikes++;
    if (this.strikes === 1 || this.strikes % 20 === 0) this.error(ErrorCode.rateLimited, `slow down: at most ${RATE.messagesPerSecond} messages and ${RATE.pointsPerSecond} points per second`);
    if (this.strikes >= MAX_STRIKES) this.close(CloseCode.rateLimited, 'too many messages');
  }

  private send(msg: ServerMessage): void {
    if (this.state !== 'closed') this.socket.send(JSON.stringify(msg));
  }

  private error(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  private close(code: number, reason: string): void {
    if (this.room && this.member) this.room.leave(this.member, this.socket);
    this.state = 'closed';
    this.socket.close(code, reason);
  }
}
