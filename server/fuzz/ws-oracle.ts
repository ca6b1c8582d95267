/**
 * The oracle of the WebSocket fuzz run: what the server must answer to a frame, from the same
 * schema the server validates with.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isUtf8 } from 'node:buffer';
import { ClientMessageSchema, CloseCode, MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE } from '../src/realtime/connection.js';
import type { Frame } from './ws-frames.js';

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
