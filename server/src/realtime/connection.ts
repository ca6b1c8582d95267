/**
 * One WebSocket: parses and validates every frame, does the handshake, applies per-connection
 * rate limits, and hands board messages to the member's room. Never throws on bad input: an
 * error message or a close with a reason.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { TokenBucket } from 'limiter';
import { ClientMessageSchema, CloseCode, ErrorCode, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../../../common/protocol.js';
import { AddressBudget } from './rate-limit.js';
import type { Member, MemberSocket, Room } from './room.js';
import { BoardTooLargeError } from '../db/board-file.js';
import { RoomRegistry } from './rooms.js';

const checkClientMessage = TypeCompiler.Compile(ClientMessageSchema);
/** Each message type's own schema: a union's errors say only "Expected union value", a variant's name the field. */
const checkVariant = new Map(ClientMessageSchema.anyOf.map((schema) => [schema.properties.type.const as string, TypeCompiler.Compile(schema)]));
const TYPES = [...checkVariant.keys()].join(', ');

/** Per connection: sustained rates with bursts twice as large. 60 Hz drawing uses ~60 msg/s. */
export const RATE = { messagesPerSecond: 200, pointsPerSecond: 4_000 } as const;
/** Rate-limited messages tolerated before the connection is closed. */
const MAX_STRIKES = 100;
/** Frames queued while the room loads, and their characters (a frame is at most 64 KiB), per socket. */
const MAX_EARLY_FRAMES = 256;
export const MAX_EARLY_CHARS = 256 * 1024;
/** Binary frames answered with an error before the socket is closed (1003): our clients send none. */
export const BINARY_FRAME_ALLOWANCE = 8;

/** `/points/3/0` -> `points[3][0]`, `/resume/session` -> `resume.session`. */
function fieldOf(path: string): string {
  const field = path
    .split('/')
    .slice(1)
    .map((key) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`))
    .join('')
    .replace(/^\./, '');
  return field || 'message';
}

/** The rule a value broke, in the words of docs/protocol.md; TypeBox's own text for the rare rest. */
function ruleOf(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.StringPattern:
      return `must match ${String(s.pattern)}`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${String(s.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(s.maxLength)} characters`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${String(s.minItems)} items`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(s.maxItems)} items`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${String(s.minimum)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${String(s.maximum)}`;
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a field of this message';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.Object:
      return 'must be an object';
    default:
      return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

/**
 * Names the offending field and the rule: the message's `type` first, then the schema of that one
 * message type. Only a known type string is echoed back: String() of a deeply nested array
 * recurses until the stack overflows (found by the fuzz suite).
 */
export function describeInvalid(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'message: must be a JSON object with a type';
  const type = (value as { type?: unknown }).type;
  const variant = typeof type === 'string' ? checkVariant.get(type) : undefined;
  if (!variant) return `type: must be one of ${TYPES}`;
  const first = variant.Errors(value).First();
  return `invalid '${type as string}' message: ${first ? `${fieldOf(first.path)}: ${ruleOf(first)}` : 'message: invalid'}`;
}

export interface ConnectionOptions {
  /** The client's address, for per-address budgets. */
  address?: string;
  /** Characters of early frames held per address, shared by every connection of a route. */
  earlyFrames?: AddressBudget;
}

export class Connection {
  private state: 'new' | 'joining' | 'joined' | 'closed' = 'new';
  private room: Room | null = null;
  private member: Member | null = null;
  private readonly early: string[] = [];
  private earlyChars = 0;
  private binaryFrames = 0;
  private readonly address: string;
  private readonly earlyFramesPerAddress: AddressBudget;
  private readonly messages = new TokenBucket({ bucketSize: RATE.messagesPerSecond * 2, tokensPerInterval: RATE.messagesPerSecond, interval: 'second' });
  private readonly points = new TokenBucket({ bucketSize: RATE.pointsPerSecond * 2, tokensPerInterval: RATE.pointsPerSecond, interval: 'second' });
  private strikes = 0;

  constructor(
    private readonly socket: MemberSocket,
    private readonly rooms: RoomRegistry,
    private readonly log: { warn(obj: object, msg: string): void },
    /** The logged-in account that opened this socket (read from the session cookie on upgrade). */
    private readonly userId: string | null = null,
    options: ConnectionOptions = {},
  ) {
    this.address = options.address ?? '';
    this.earlyFramesPerAddress = options.earlyFrames ?? new AddressBudget(0);
    // limiter's buckets start empty; a new connection starts with its full burst allowance.
    this.messages.content = this.messages.bucketSize;
    this.points.content = this.points.bucketSize;
  }

  /** A text frame. Every frame takes a token, before or after hello, queued while the board loads or not. */
  handle(raw: string): void {
    if (this.state === 'closed') return;
    if (!this.messages.tryRemoveTokens(1)) return this.strike();
    if (this.state === 'joining') return this.hold(raw);
    this.process(raw);
  }

  /** A binary frame: counted like a text frame, answered with an error, and past the allowance closed. */
  handleBinary(): void {
    if (this.state === 'closed') return;
    if (++this.binaryFrames > BINARY_FRAME_ALLOWANCE) return this.close(CloseCode.unsupportedData, 'binary frames are not accepted');
    if (!this.messages.tryRemoveTokens(1)) return this.strike();
    this.error(ErrorCode.badMessage, 'binary frames are not accepted; send JSON text');
  }

  /** Queues a frame until the board has loaded, within the socket's and its address's budgets. */
  private hold(raw: string): void {
    const fits = this.early.length < MAX_EARLY_FRAMES && this.earlyChars + raw.length <= MAX_EARLY_CHARS;
    if (!fits || !this.earlyFramesPerAddress.take(this.address, raw.length)) {
      return this.close(CloseCode.rateLimited, 'too many messages before the board loaded');
    }
    this.early.push(raw);
    this.earlyChars += raw.length;
  }

  /** Empties the early queue and gives its characters back to the address. */
  private takeEarly(): string[] {
    this.earlyFramesPerAddress.give(this.address, this.earlyChars);
    this.earlyChars = 0;
    return this.early.splice(0);
  }

  private process(raw: string): void {
    if (this.state === 'closed') return;
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
    this.takeEarly();
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
          this.takeEarly();
          this.state = 'closed';
          return;
        }
        // The socket may have closed while the member was looked up on the bus.
        if (this.isClosed()) return room.leave(member, this.socket);
        this.room = room;
        this.member = member;
        this.state = 'joined';
        // Their tokens were taken when they arrived.
        for (const raw of this.takeEarly()) this.process(raw);
      })
      .catch((err: Error) => {
        // The store has logged the refusal as an alert.
        if (err instanceof BoardTooLargeError) return this.close(CloseCode.boardTooLarge, err.message);
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
    this.takeEarly();
    this.state = 'closed';
    this.socket.close(code, reason);
  }
}
