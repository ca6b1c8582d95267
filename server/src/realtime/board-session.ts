/**
 * One writer's board over a WebSocket: assembles strokes from streamed points and answers each
 * pen-up with the recognition of all the ink. Talks to a minimal socket interface so tests can
 * drive it with an in-memory socket, without a server.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ClientMessageSchema,
  CloseCode,
  ErrorCode,
  PROTOCOL_VERSION,
  WELCOME_LIMITS,
  type ClientMessage,
  type ServerMessage,
} from '../../../common/protocol.js';
import type { Stroke } from '../../../common/preprocess.js';
import { LIMITS, type Recognition } from '../../../common/recognition.js';

export interface BoardSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface SessionDeps {
  recognize(strokes: readonly Stroke[]): Promise<Recognition>;
  modelVersion: string;
  log: { warn(obj: object, msg: string): void };
}

const checkClientMessage = TypeCompiler.Compile(ClientMessageSchema);

/** The first validation error, phrased for a client developer. */
function describeInvalid(value: unknown): string {
  const first = checkClientMessage.Errors(value).First();
  const type = typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : undefined;
  const where = first ? `${first.path || '/'}: ${first.message}` : 'invalid message';
  return type ? `invalid '${type}' message at ${where}` : `invalid message at ${where}`;
}

export class BoardSession {
  private greeted = false;
  private closed = false;
  /** Completed strokes in drawing order, and strokes still being drawn. */
  private readonly strokes: { id: string; points: Stroke }[] = [];
  private readonly drawing = new Map<string, Stroke>();
  private totalPoints = 0;
  /** Recognition runs one at a time; a pen-up during a run asks for one more run after it. */
  private recognizing = false;
  private again = false;
  /** Bumped by clear: a result computed for the ink before a clear is never sent after it. */
  private generation = 0;

  constructor(
    private readonly socket: BoardSocket,
    private readonly deps: SessionDeps,
  ) {}

  /** Handles one incoming frame. Never throws: bad input becomes an error message or a close. */
  handle(raw: string): void {
    if (this.closed) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return this.error(ErrorCode.badJson, 'frame is not valid JSON');
    }
    if (!checkClientMessage.Check(value)) {
      if (!this.greeted) return this.close(CloseCode.badHandshake, 'expected a hello message first');
      return this.error(ErrorCode.badMessage, describeInvalid(value));
    }
    this.dispatch(value);
  }

  /** Called when the socket closes: drops in-flight work. */
  dispose(): void {
    this.closed = true;
  }

  private dispatch(msg: ClientMessage): void {
    if (!this.greeted && msg.type !== 'hello') return this.close(CloseCode.badHandshake, 'expected a hello message first');
    switch (msg.type) {
      case 'hello':
        if (this.greeted) return this.close(CloseCode.badHandshake, 'hello sent twice');
        if (msg.protocol !== PROTOCOL_VERSION) {
          return this.close(CloseCode.versionMismatch, `protocol ${msg.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`);
        }
        this.greeted = true;
        return this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, model: this.deps.modelVersion, limits: WELCOME_LIMITS });
      case 'stroke-begin':
        if (this.drawing.has(msg.strokeId) || this.strokes.some((s) => s.id === msg.strokeId)) {
          return this.error(ErrorCode.duplicateStroke, `stroke ${msg.strokeId} already exists`);
        }
        if (this.strokes.length + this.drawing.size >= LIMITS.maxStrokes) {
          return this.error(ErrorCode.tooMuchInk, `a board holds at most ${LIMITS.maxStrokes} strokes; clear it first`);
        }
        this.drawing.set(msg.strokeId, []);
        return this.addPoints(msg.strokeId, msg.points);
      case 'stroke-points':
        return this.addPoints(msg.strokeId, msg.points);
      case 'stroke-end': {
        const points = this.drawing.get(msg.strokeId);
        if (!points) return this.error(ErrorCode.unknownStroke, `stroke ${msg.strokeId} was not begun`);
        this.drawing.delete(msg.strokeId);
        this.strokes.push({ id: msg.strokeId, points });
        return this.recognize();
      }
      case 'clear':
        this.generation++;
        this.strokes.length = 0;
        this.drawing.clear();
        this.totalPoints = 0;
        this.send({ type: 'cleared' });
        return this.recognize();
      case 'ping':
        return this.send({ type: 'pong', t: msg.t });
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private addPoints(strokeId: string, points: number[][]): void {
    const stroke = this.drawing.get(strokeId);
    if (!stroke) return this.error(ErrorCode.unknownStroke, `stroke ${strokeId} was not begun`);
    if (stroke.length + points.length > LIMITS.maxPointsPerStroke || this.totalPoints + points.length > LIMITS.maxPointsTotal) {
      return this.error(ErrorCode.tooMuchInk, `too many points (at most ${LIMITS.maxPointsPerStroke} per stroke, ${LIMITS.maxPointsTotal} per board)`);
    }
    for (const p of points) stroke.push(p);
    this.totalPoints += points.length;
  }

  private recognize(): void {
    if (this.recognizing) {
      this.again = true;
      return;
    }
    this.recognizing = true;
    const snapshot = this.strokes.map((s) => s.points);
    const generation = this.generation;
    this.deps
      .recognize(snapshot)
      .then((result) => {
        if (generation === this.generation) this.send({ type: 'result', strokes: snapshot.length, result });
      })
      .catch((err: Error) => {
        this.deps.log.warn({ err }, 'recognition failed');
        this.error(ErrorCode.recognitionFailed, 'recognition failed; the ink is kept, try again');
      })
      .finally(() => {
        this.recognizing = false;
        if (this.again && !this.closed) {
          this.again = false;
          this.recognize();
        }
      });
  }

  private send(msg: ServerMessage): void {
    if (!this.closed) this.socket.send(JSON.stringify(msg));
  }

  private error(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  private close(code: number, reason: string): void {
    this.closed = true;
    this.socket.close(code, reason);
  }
}
