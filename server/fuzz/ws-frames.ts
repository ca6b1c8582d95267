/**
 * WebSocket frames for the fuzz run: valid board messages, the same with mutated fields (wrong
 * types, huge and non-finite numbers, deep nesting, long and odd strings, prototype-pollution
 * keys), broken JSON, binary, oversized and non-UTF-8 frames. What the server must answer to
 * each is in ws-oracle.ts.
 */
import { MAX_FRAME_BYTES, MAX_POINTS_PER_MESSAGE, PROTOCOL_VERSION } from '../../common/protocol.js';
import { helloMessage, newContext, points, validBoardMessage, type BoardContext } from './board-messages.js';
import { deepArray, deepObject, hostileValue, obj, ODD_STRINGS, Raw, RAW_NUMBERS, toJson } from './hostile-values.js';
import type { Random } from './random.js';

export interface Frame {
  data: string | Buffer;
  binary: boolean;
  /** What kind of frame this is, for the summary and for failure reports. */
  label: string;
  /** Fragment the message into this many frames (ws `fin: false`). */
  fragments?: number;
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
