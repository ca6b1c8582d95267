/**
 * The writers of each board, kept in the database (board_writers): the key a browser keeps
 * (hello.client), hashed, and the participant it was. A writer who reloads the page after the
 * server restarted, or whose reload the balancer sends to another node, is found here and is the
 * same participant again: same id, name and colour, so undo reaches their earlier strokes.
 *
 * Only the key's SHA-256 is stored: a leaked database does not let anyone write as someone else.
 * Each board keeps its MAX_WRITERS most recently seen writers.
 */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { ParticipantSchema, type Participant } from '../../../common/protocol.js';
import type { Db } from './client.js';

/** Writers kept per board: far more than ever write on one at a time (MAX_ROOM_PARTICIPANTS). */
export const MAX_WRITERS = 500;
/** A lookup still unanswered after this long (a database away) gives up: the writer joins as new. */
export const FIND_TIMEOUT_MS = 1_500;

/** The stored form of a browser's key. */
export function writerKey(client: string): string {
  return createHash('sha256').update(client).digest('base64url');
}

/** Where the room finds writers who come back, and remembers new ones (realtime/room.ts). */
export interface WriterDirectory {
  /** The participant behind a hashed key on this board, or null. */
  find(roomId: string, key: string): Promise<Participant | null>;
  /** Remembers (or refreshes) the participant behind a hashed key. */
  remember(roomId: string, key: string, participant: Participant): Promise<void>;
  /** The names of the board's writers by participant id (an export names who wrote each number). */
  names?(roomId: string): Promise<Map<string, string>>;
}

/** A stored participant, or null for a row that is not one (written by hand, or by a future version). */
function parseParticipant(json: string): Participant | null {
  let participant: unknown;
  try {
    participant = JSON.parse(json);
  } catch {
    return null;
  }
  return Value.Check(ParticipantSchema, participant) ? participant : null;
}

/** Participant id -> name, from participants in any order (the last one of an id wins). */
function namesOf(participants: Iterable<Participant | null>): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of participants) if (p) names.set(p.id, p.name);
  return names;
}

export class BoardWriters implements WriterDirectory {
  constructor(
    private readonly db: Db,
    private readonly max = MAX_WRITERS,
  ) {}

  async find(roomId: string, key: string): Promise<Participant | null> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), FIND_TIMEOUT_MS)));
    const lookup = this.db.boardWriter.findUnique({ where: { roomId_key: { roomId, key } }, select: { participant: true } });
    const row = await Promise.race([lookup, gaveUp]).finally(() => clearTimeout(timer));
    if (row === 'timeout') {
      lookup.catch(() => {});
      throw new Error(`the writer directory did not answer within ${FIND_TIMEOUT_MS} ms`);
    }
    // A row that is not a participant is a new writer.
    return row ? parseParticipant(row.participant) : null;
  }

  async names(roomId: string): Promise<Map<string, string>> {
    // Oldest first: a participant remembered under several keys keeps its latest name.
    const rows = await this.db.boardWriter.findMany({ where: { roomId }, orderBy: { seenAt: 'asc' }, select: { participant: true } });
    return namesOf(rows.map((r) => parseParticipant(r.participant)));
  }

  async remember(roomId: string, key: string, participant: Participant, now = new Date()): Promise<void> {
    const data = { participant: JSON.stringify(participant), seenAt: now };
    await this.db.boardWriter.upsert({ where: { roomId_key: { roomId, key } }, create: { roomId, key, ...data }, update: data });
    // The oldest beyond the bound go (a board visited by many browsers stays small).
    const [oldestKept] = await this.db.boardWriter.findMany({
      where: { roomId },
      orderBy: [{ seenAt: 'desc' }, { key: 'asc' }],
      skip: this.max - 1,
      take: 1,
      select: { seenAt: true },
    });
    if (oldestKept) await this.db.boardWriter.deleteMany({ where: { roomId, seenAt: { lt: oldestKept.seenAt } } });
  }
}

/** The same contract in memory: tests, and servers run without a database. */
export class MemoryWriters implements WriterDirectory {
  readonly rows = new Map<string, Participant>();

  async find(roomId: string, key: string): Promise<Participant | null> {
    return this.rows.get(`${roomId} ${key}`) ?? null;
  }

  async remember(roomId: string, key: string, participant: Participant): Promise<void> {
    this.rows.set(`${roomId} ${key}`, structuredClone(participant));
  }

  async names(roomId: string): Promise<Map<string, string>> {
    return namesOf([...this.rows].filter(([k]) => k.startsWith(`${roomId} `)).map(([, p]) => p));
  }
}
