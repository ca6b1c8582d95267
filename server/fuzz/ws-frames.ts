/**
 * WebSocket frames for the fuzz run: valid board messages, the same with mutated fields (wrong
 * types, huge and non-finite numbers, deep nesting, long and odd strings, prototype-pollution
 * keys), broken JSON, binary, oversized and non-UTF-8 frames; and the oracle that says what the
 * server must answer to each, from the same schema the server validates with.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isUtf8 } from 'node:buffer';
import { ClientMessageSchema, CloseCode, MAX_FRAME_BYTES, MAX_POINTS_PER_MESSAGE, PROTOCOL_VERSION } from '../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE } from '../src/realtime/connection.js';
import type { Random } from './random.js';

/** JSON text spliced in as is: `1e999` (Infinity once parsed), `NaN` (not JSON), deep nesting. */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON.stringify that keeps Raw tokens and own `__proto__` keys (objects are null-prototype). */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : toJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(v)) {
      const value = (v as Record<string, unknown>)[key];
      if (value !== undefined) parts.push(`${JSON.stringify(key)}:${toJson(value)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** An object with no prototype: `o.__proto__ = x` makes an own key, as JSON.parse does. */
export function obj(entries: Record<string, unknown> = {}): Record<string, unknown> {
  const o = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(entries)) o[k] = v;
  return o;
}

/** `{"<key>": value}` for any key, `__proto__` included (an object literal would set the prototype). */
export function keyed(key: string, value: unknown): Record<string, unknown> {
  const o = obj();
  o[key] = value;
  return o;
}

export interface Frame {
  data: string | Buffer;
  binary: boolean;
  /** What kind of frame this is, for the summary and for failure reports. */
  label: string;
  /** Fragment the message into this many frames (ws `fin: false`). */
  fragments?: number;
}

/** What the server must answer to a frame. */
export type Expected =
  | { kind: 'error'; codes: string[] }
  | { kind: 'close'; codes: number[] }
  | { kind: 'welcome' }
  /** A valid message: anything or nothing, but the connection keeps answering. */
  | { kind: 'any' };

const check = TypeCompiler.Compile(ClientMessageSchema);

export const frameBytes = (f: Frame) => (typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length);

/**
 * The server's required answer to `frame` on a connection that has (joined) or has not (new) said
 * hello, and has sent `binaryBefore` binary frames (within the size limit) before this one.
 */
export function expectedAnswer(frame: Frame, state: 'new' | 'joined', binaryBefore = 0): Expected {
  if (frameBytes(frame) > MAX_FRAME_BYTES) return { kind: 'close', codes: [1009] };
  if (frame.binary) return binaryBefore < BINARY_FRAME_ALLOWANCE ? { kind: 'error', codes: ['bad_message'] } : { kind: 'close', codes: [CloseCode.unsupportedData] };
  // ws refuses a text frame that is not UTF-8 (1007) before the app sees it.
  if (Buffer.isBuffer(frame.data) && !isUtf8(frame.data)) return { kind: 'close', codes: [1007] };
  // What the server decodes: lone surrogates in a JS string leave as U+FFFD.
  const text = Buffer.from(frame.data).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', codes: ['bad_json'] };
  }
  if (!check.Check(value)) return state === 'new' ? { kind: 'close', codes: [4001] } : { kind: 'error', codes: ['bad_message'] };
  if (value.type === 'hello') {
    if (state === 'joined') return { kind: 'close', codes: [4001] };
    return value.protocol === PROTOCOL_VERSION ? { kind: 'welcome' } : { kind: 'close', codes: [4000] };
  }
  return state === 'new' ? { kind: 'close', codes: [4001] } : { kind: 'any' };
}

/** The parsed message of a frame that the schema accepts, else null. */
export function validMessage(frame: Frame): { type: string; strokeId?: string } | null {
  if (frame.binary || frameBytes(frame) > MAX_FRAME_BYTES) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(frame.data).toString('utf8'));
    return check.Check(value) ? value : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Values

const LONG = (r: Random) => 'x'.repeat(r.pick([65, 300, 4_000, 30_000]));

/** Strings that have broken parsers, loggers, file paths and HTML before. */
const ODD_STRINGS = [
  '',
  ' ',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  'AAAAAAAAAAAAAAAAAAAAA/',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\u200b\u200b',
  '🖊️✍️👩‍👩‍👧‍👦',
  '𝟘𝟙𝟚',
  'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"; DROP TABLE users; --',
  '${7*7}{{7*7}}',
  '\r\n\r\nHTTP/1.1 200 OK',
  'hello',
  'Hello',
  'stroke-begin ',
  'STROKE-END',
];

const RAW_NUMBERS = ['1e999', '-1e999', '1e-999', '-0', '0e0', '1E+308', '123456789012345678901234567890', '0.0000000000000000000001'];
/** Not JSON at all: the frame must get bad_json. */
const RAW_NOT_JSON = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', '.5', '+1', "'x'", '1e', '--1'];

function deepArray(depth: number): Raw {
  return new Raw('['.repeat(depth) + ']'.repeat(depth));
}
function deepObject(depth: number): Raw {
  return new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** A value of the wrong kind, size or meaning for any field. */
export function hostileValue(r: Random): unknown {
  return r.weighted<() => unknown>([
    [3, () => r.pick([null, true, false, 0, -1, 1.5, -0.000001, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 100_000, 100_001, -100_001, 4_294_967_296])],
    [3, () => new Raw(r.pick(RAW_NUMBERS))],
    [1, () => new Raw(r.pick(RAW_NOT_JSON))],
    [3, () => r.pick(ODD_STRINGS)],
    [1, () => LONG(r)],
    [1, () => String(r.int(-1e6, 1e6))],
    [2, () => r.pick([[], {}, [[]], [null], [1, 2, 3], ['a', 'b'], obj({ a: 1 })])],
    [1, () => deepArray(r.pick([100, 1_000, 10_000, 30_000]))],
    [1, () => deepObject(r.pick([100, 1_000, 5_000]))],
    [2, () => keyed('__proto__', obj({ polluted: true, isAdmin: true }))],
    [1, () => obj({ constructor: obj({ prototype: obj({ polluted: true }) }) })],
    [1, () => Array.from({ length: r.pick([10, 1_000, 10_000]) }, () => 1)],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Valid messages

/** What one fuzzing connection knows about its board, to write plausible (and implausible) messages. */
export interface BoardContext {
  /** A prefix unique to the session: stroke ids must be unique on a shared board. */
  prefix: string;
  counter: number;
  /** Strokes this connection began and has not ended. */
  open: string[];
  /** Strokes this connection completed. */
  done: string[];
}

export function newContext(prefix: string): BoardContext {
  return { prefix, counter: 0, open: [], done: [] };
}

export function points(r: Random, n: number): number[][] {
  const out: number[][] = [];
  let x = r.int(0, 1000), y = r.int(0, 800);
  for (let i = 0; i < n; i++) {
    x += r.int(-8, 8);
    y += r.int(-8, 8);
    out.push(r.chance(0.5) ? [x, y] : [x, y, i * 16]);
  }
  return out;
}

/** Mostly a few points, as a pen streams them; sometimes a frame-full. */
const pointCount = (r: Random) => (r.chance(0.05) ? r.int(100, MAX_POINTS_PER_MESSAGE) : r.int(1, 30));

export function validBoardMessage(r: Random, ctx: BoardContext): Record<string, unknown> {
  const open = ctx.open.length > 0 ? r.pick(ctx.open) : null;
  const any = ctx.open.length + ctx.done.length > 0 ? r.pick([...ctx.open, ...ctx.done]) : `${ctx.prefix}-x`;
  return r.weighted<() => Record<string, unknown>>([
    [5, () => obj({ type: 'stroke-begin', strokeId: `${ctx.prefix}-${++ctx.counter}`, points: points(r, pointCount(r)) })],
    [6, () => obj({ type: 'stroke-points', strokeId: open ?? `${ctx.prefix}-${ctx.counter}`, points: points(r, pointCount(r)) })],
    [4, () => obj({ type: 'stroke-end', strokeId: open ?? any })],
    [1, () => obj({ type: 'undo' })],
    [1, () => obj({ type: 'erase', strokeId: any })],
    [0.3, () => obj({ type: 'clear' })],
    [2, () => obj({ type: 'cursor', x: r.int(-100, 1100), y: r.int(-100, 900) })],
    [1, () => obj({ type: 'ping', t: r.next() * 1e9 })],
  ])();
}

/** Records the effect of a message the server accepted, so that later messages refer to real strokes. */
export function track(ctx: BoardContext, msg: { type: string; strokeId?: string }): void {
  if (msg.type === 'stroke-begin' && msg.strokeId && !ctx.open.includes(msg.strokeId)) ctx.open.push(msg.strokeId);
  if (msg.type === 'stroke-end' && msg.strokeId) {
    ctx.open = ctx.open.filter((id) => id !== msg.strokeId);
    if (!ctx.done.includes(msg.strokeId)) ctx.done.push(msg.strokeId);
  }
  if (msg.type === 'clear') ctx.open = [];
  // Keep ids from growing without bound over a long session.
  if (ctx.done.length > 50) ctx.done.shift();
}

export function helloMessage(r: Random, room?: string): Record<string, unknown> {
  const m = obj({ type: 'hello', protocol: PROTOCOL_VERSION });
  if (room) m.room = room;
  if (r.chance(0.5)) m.name = r.pick(['Ada', 'Grace', '🖊️', 'x'.repeat(40), '<b>bold</b>']);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', 'type ', 'TYPE', '', 'x'.repeat(1000), '\u0000', 'toString'];

function mutateFields(r: Random, msg: Record<string, unknown>): string {
  const ops: string[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const keys = Object.keys(msg);
    const op = r.weighted<string>([
      [5, 'replace'],
      [2, 'delete'],
      [3, 'add'],
      [2, 'type'],
      [3, 'points'],
      [1, 'point'],
    ]);
    if (op === 'replace' && keys.length > 0) msg[r.pick(keys)] = hostileValue(r);
    else if (op === 'delete' && keys.length > 0) delete msg[r.pick(keys)];
    else if (op === 'add') msg[r.pick(EXTRA_KEYS)] = hostileValue(r);
    else if (op === 'type') msg.type = r.chance(0.7) ? r.pick([...ODD_STRINGS, 'hello', 'ping', 'stroke-begin', 'clear']) : hostileValue(r);
    else if (op === 'points') msg.points = hostilePoints(r);
    else if (op === 'point' && Array.isArray(msg.points) && msg.points.length > 0) {
      const pts = msg.points as unknown[];
      const i2 = r.int(0, pts.length - 1);
      pts[i2] = r.weighted<() => unknown>([
        [2, () => [hostileValue(r), 1]],
        [2, () => [1, 2, 3, 4]],
        [1, () => [1]],
        [1, () => hostileValue(r)],
        [1, () => [new Raw('1e999'), new Raw('-1e999')]],
      ])();
    }
    ops.push(op);
  }
  return ops.join('+');
}

function hostilePoints(r: Random): unknown {
  return r.weighted<() => unknown>([
    [2, () => []],
    [2, () => points(r, MAX_POINTS_PER_MESSAGE + r.int(1, 200))],
    [2, () => Array.from({ length: r.int(1, 20) }, () => [r.pick([100_001, -100_001, 1e308, -1e308]), r.int(0, 100)])],
    [2, () => Array.from({ length: r.int(1, 20) }, () => [new Raw(r.pick(RAW_NUMBERS)), new Raw(r.pick(RAW_NUMBERS))])],
    [1, () => Array.from({ length: r.int(1, 20) }, () => [String(r.int(0, 9)), String(r.int(0, 9))])],
    [1, () => Array.from({ length: r.int(1, 50) }, () => obj({ x: 1, y: 2 }))],
    [1, () => [[[[1, 2]]]]],
    [1, () => hostileValue(r)],
  ])();
}

function mutateText(r: Random, text: string): [string, string] {
  const op = r.weighted<string>([
    [4, 'truncate'],
    [2, 'flip'],
    [1, 'insert'],
    [1, 'duplicate-key'],
    [1, 'trailing'],
    [1, 'bom'],
  ]);
  switch (op) {
    case 'truncate':
      return [text.slice(0, r.int(0, Math.max(0, text.length - 1))), op];
    case 'flip': {
      const i = r.int(0, Math.max(0, text.length - 1));
      return [text.slice(0, i) + r.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'x', ' ']) + text.slice(i + 1), op];
    }
    case 'insert': {
      const i = r.int(0, text.length);
      return [text.slice(0, i) + r.pick([',', ',,', '//c', '/*c*/', 'undefined', '\n', '\u2028']) + text.slice(i), op];
    }
    case 'duplicate-key':
      // JSON.parse keeps the last: the second `type` decides.
      return [text.replace(/^\{/, `{"type":${JSON.stringify(r.pick(ODD_STRINGS))},`), op];
    case 'trailing':
      return [text + r.pick([',', ' {}', '\n{"type":"ping","t":1}', 'x']), op];
    default:
      return ['\ufeff' + text, op];
  }
}

/** The whole frame is something other than a message object. */
function oddTopLevel(r: Random): [string, string] {
  return r.pick<[string, string]>([
    ['', 'empty'],
    [' ', 'whitespace'],
    ['null', 'null'],
    ['true', 'true'],
    ['42', 'number'],
    ['"hello"', 'string'],
    ['[]', 'empty-array'],
    ['{}', 'empty-object'],
    ['[{"type":"ping","t":1}]', 'array-of-message'],
    ['{"msg":{"type":"ping","t":1}}', 'wrapped-message'],
    [deepArray(30_000).text, 'deep-array'],
    [deepObject(5_000).text, 'deep-object'],
    ['{"type":"ping","t":1}{"type":"ping","t":2}', 'two-messages'],
    [`"${'\\u0000'.repeat(1000)}"`, 'nul-string'],
    ['{"__proto__":{"polluted":true},"type":"ping","t":1}', 'proto-key'],
    ['{"constructor":{"prototype":{"polluted":true}},"type":"undo"}', 'constructor-key'],
    [`{"type":"hello","protocol":${PROTOCOL_VERSION},"__proto__":{"room":"AAAAAAAAAAAAAAAAAAAAAA"}}`, 'proto-hello'],
  ]);
}

/** A frame just over the 64 KiB limit (or far over it). */
function hugeFrame(r: Random): Frame {
  const size = r.pick([MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 100, 256 * 1024, 2 * 1024 * 1024]);
  const head = '{"type":"ping","t":1,"pad":"';
  const data = head + 'x'.repeat(size - head.length - 2) + '"}';
  return { data, binary: r.chance(0.2), label: `huge-${size}`, fragments: r.chance(0.2) ? r.int(2, 20) : undefined };
}

/** A valid message padded with whitespace to just under or exactly the limit. */
function nearLimitFrame(r: Random, msg: Record<string, unknown>): Frame {
  const json = toJson(msg);
  const size = r.pick([MAX_FRAME_BYTES - 1, MAX_FRAME_BYTES, 60_000]);
  return { data: json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}', binary: false, label: `near-limit-${size}` };
}

/** One frame for a connection that has joined a board. */
export function joinedFrame(r: Random, ctx: BoardContext): Frame {
  const kind = r.weighted<string>([
    [22, 'valid'],
    [40, 'fields'],
    [10, 'text'],
    [6, 'top-level'],
    [4, 'binary'],
    [3, 'garbage'],
    [2, 'near-limit'],
    [1, 'fragmented'],
    [0.6, 'huge'],
    [0.4, 'bad-utf8'],
    [0.4, 'hello-again'],
  ]);
  const msg = validBoardMessage(r, ctx);
  switch (kind) {
    case 'valid':
      return { data: toJson(msg), binary: false, label: `valid:${String(msg.type)}` };
    case 'fields': {
      const ops = mutateFields(r, msg);
      return { data: toJson(msg), binary: false, label: `fields:${ops}` };
    }
    case 'text': {
      const [data, op] = mutateText(r, toJson(msg));
      return { data, binary: false, label: `text:${op}` };
    }
    case 'top-level': {
      const [data, what] = oddTopLevel(r);
      return { data, binary: false, label: `top:${what}` };
    }
    case 'binary':
      return { data: r.chance(0.5) ? Buffer.from(toJson(msg)) : r.bytes(r.int(0, 2000)), binary: true, label: 'binary' };
    case 'garbage':
      return { data: r.bytes(r.int(1, 500)).toString('latin1'), binary: false, label: 'garbage' };
    case 'near-limit':
      return nearLimitFrame(r, msg);
    case 'fragmented':
      return { data: toJson(msg), binary: false, label: 'fragmented', fragments: r.int(2, 50) };
    case 'huge':
      return hugeFrame(r);
    case 'bad-utf8':
      return { data: Buffer.concat([Buffer.from('{"type":"ping","t":'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('1}')]), binary: false, label: 'bad-utf8' };
    default:
      return { data: toJson(helloMessage(r)), binary: false, label: 'hello-again' };
  }
}

/** One frame for a connection that has not said hello yet. */
export function newFrame(r: Random, rooms: readonly string[]): Frame {
  const kind = r.weighted<string>([
    [3, 'hello'],
    [8, 'hello-fields'],
    [2, 'hello-protocol'],
    [3, 'hello-room'],
    [3, 'board-message'],
    [2, 'text'],
    [2, 'top-level'],
    [1, 'binary'],
    [0.3, 'huge'],
  ]);
  const hello = helloMessage(r, r.chance(0.5) ? r.pick(rooms) : undefined);
  switch (kind) {
    case 'hello':
      return { data: toJson(hello), binary: false, label: 'pre:hello' };
    case 'hello-fields': {
      const ops = mutateFields(r, hello);
      return { data: toJson(hello), binary: false, label: `pre:fields:${ops}` };
    }
    case 'hello-protocol':
      hello.protocol = r.pick([0, PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1, -2, 2 ** 31, 2 ** 53, 1.0000001, new Raw(`${PROTOCOL_VERSION}.0`), new Raw(`${PROTOCOL_VERSION}e0`), new Raw('1e999')]);
      return { data: toJson(hello), binary: false, label: 'pre:protocol' };
    case 'hello-room':
      hello.room = r.pick([...ODD_STRINGS, 'A'.repeat(21), 'A'.repeat(23), '-'.repeat(22), '_'.repeat(22), 'AAAAAAAAAAAAAAAAAAAA..', '..%2fAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAA\n']);
      return { data: toJson(hello), binary: false, label: 'pre:room' };
    case 'board-message':
      return { data: toJson(validBoardMessage(r, newContext('pre'))), binary: false, label: 'pre:no-hello' };
    case 'text': {
      const [data, op] = mutateText(r, toJson(hello));
      return { data, binary: false, label: `pre:text:${op}` };
    }
    case 'top-level': {
      const [data, what] = oddTopLevel(r);
      return { data, binary: false, label: `pre:top:${what}` };
    }
    case 'binary':
      return { data: Buffer.from(toJson(hello)), binary: true, label: 'pre:binary' };
    default:
      return hugeFrame(r);
  }
}
