/**
 * Hostile JSON values for the WebSocket fuzz frames: wrong types, huge and non-finite numbers,
 * deep nesting, long and odd strings, prototype-pollution keys; and the JSON writer that can
 * put them on the wire (raw tokens, own `__proto__` keys).
 */
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

const LONG = (r: Random) => 'x'.repeat(r.pick([65, 300, 4_000, 30_000]));

/** Strings that have broken parsers, loggers, file paths and HTML before. */
export const ODD_STRINGS = [
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

export const RAW_NUMBERS = ['1e999', '-1e999', '1e-999', '-0', '0e0', '1E+308', '123456789012345678901234567890', '0.0000000000000000000001'];
/** Not JSON at all: the frame must get bad_json. */
const RAW_NOT_JSON = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', '.5', '+1', "'x'", '1e', '--1'];

export function deepArray(depth: number): Raw {
  return new Raw('['.repeat(depth) + ']'.repeat(depth));
}
export function deepObject(depth: number): Raw {
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
