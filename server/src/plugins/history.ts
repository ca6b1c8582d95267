/**
 * Recognition history as a Fastify service, `app.history`. Recognition paths call
 * `record()` and move on: the write happens in the background (one transaction per record),
 * retried with backoff, and a failure is logged, never surfaced to the user's recognition.
 * While the database is unreachable records wait in the bounded queue until it is back (what
 * does not fit is dropped and counted); the 'database' health check reports the queue.
 * Corrections of board numbers made in the room go through the same queue.
 */
import fp from 'fastify-plugin';
import type { Recognition } from '../../../common/recognition.js';
import { Prisma } from '../db/client.js';
import {
  allRecognitions,
  correctBoardRecognition,
  correctRecognition,
  deleteAllRecognitions,
  deleteRecognition,
  getRecognition,
  insertRecognition,
  listRecognitions,
  newRecognitionId,
  type Cursor,
  type HistoryFilter,
  type NewRecognition,
  type RecognitionRecord,
  type RecognitionSource,
} from '../db/recognitions.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';
import { WriteQueue, type WriteQueueStats } from '../db/write-queue.js';
import { makeThumbnail } from '../recognition/thumbnail.js';

/** What a recognition path hands to record(). */
export interface RecordEntry {
  userId: string;
  source: RecognitionSource;
  /** The ink as recognized, or the uploaded image's bytes (history keeps a thumbnail only). */
  input: { strokes: number[][][]; width: number; height: number } | { image: Uint8Array };
  recognition: Recognition;
  latencyMs: number;
  /** When the recognition happened; default now. */
  at?: Date;
  /** A board number's identity: recorded once, whichever node records it and however often. */
  boardKey?: string;
  /** What was written, when the number was corrected before it was recorded. */
  correctedText?: string;
  /** The boardKeys of the user's earlier records of this number, which this one replaces. */
  replaces?: string[];
}

export interface History {
  /** Queues the recognition for storage. Never throws, never waits. */
  record(entry: RecordEntry): void;
  /** Resolves when every queued record has been written or given up on (after an outage: once the database is back). */
  flush(): Promise<void>;
  list(userId: string, filter: HistoryFilter, page: { limit: number; cursor?: Cursor }): Promise<{ items: RecognitionRecord[]; nextCursor: string | null }>;
  get(userId: string, id: string): Promise<RecognitionRecord | null>;
  all(userId: string, filter: HistoryFilter): AsyncGenerator<RecognitionRecord>;
  /** Sets (null: withdraws) the correction of the user's record; null when it is not theirs. */
  correct(userId: string, id: string, correctedText: string | null): Promise<RecognitionRecord | null>;
  /**
   * A board number was corrected in its room: its record, if a signed-in writer's number was
   * stored under `boardKey` (or is still queued), takes the correction. Never throws, never waits.
   */
  correctBoard(boardKey: string, correctedText: string | null): void;
  remove(userId: string, id: string): Promise<boolean>;
  /** Deletes the user's history, records still queued included. */
  removeAll(userId: string): Promise<number>;
  stats: WriteQueueStats;
}

declare module 'fastify' {
  interface FastifyInstance {
    history: History;
  }
}

export interface HistoryOptions {
  /** Records waiting to be written, at most. */
  capacity?: number;
  /** Bytes waiting (strokes and uploads), at most. */
  maxBytes?: number;
  /** Tries per record when the database answers with an error (an outage is waited out). */
  attempts?: number;
  backoffMs?: number;
  /** Longest wait between retries while the database is unreachable. Default 5 s. */
  maxBackoffMs?: number;
  /** Replaces the database write (tests inject failures here). */
  write?: (rec: NewRecognition) => Promise<void>;
}

/** The user is gone (deleted while the record waited) or the record is already there. */
function permanent(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && (err.code === 'P2003' || err.code === 'P2002');
}

type Job = { rec: NewRecognition; image?: Uint8Array } | { boardKey: string; correctedText: string | null };

/** Board corrections remembered for records still queued, at most (most board numbers have no record). */
const PENDING_BOARD_CORRECTIONS = 10_000;

export default fp<HistoryOptions>(
  async (app, opts) => {
    const write = opts.write ?? ((rec: NewRecognition) => insertRecognition(app.prisma, rec));
    const log = app.log.child({ service: 'history' });
    // A correction can reach us while the number's record waits in the queue (or is written
    // alongside): the record takes it when it is written, the update catches one already there.
    const boardCorrections = new Map<string, string | null>();
    const queue = new WriteQueue<Job>(
      async (job) => {
        if (!('rec' in job)) {
          await correctBoardRecognition(app.prisma, job.boardKey, job.correctedText);
          return;
        }
        const key = job.rec.boardKey;
        if (key !== undefined && boardCorrections.has(key)) {
          job.rec.correctedText = boardCorrections.get(key) ?? undefined;
          boardCorrections.delete(key);
        }
        if (job.image) {
          // Once: a retry reuses it. A picture sharp cannot shrink still leaves the record.
          const image = job.image;
          job.image = undefined;
          try {
            job.rec.input = { thumbnail: await makeThumbnail(image) };
          } catch (err) {
            log.warn({ err }, 'thumbnail failed; record kept without it');
          }
        }
        try {
          await write(job.rec);
        } catch (err) {
          // Written by an earlier try whose answer was lost: done, not a failure.
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return;
          throw err;
        }
      },
      {
        capacity: opts.capacity ?? 1000,
        maxBytes: opts.maxBytes ?? 64 << 20,
        sizeOf: (job) =>
          'rec' in job ? (job.image?.byteLength ?? 0) + ('strokes' in job.rec.input ? job.rec.input.strokes.reduce((n, s) => n + s.length * 24, 0) : 0) : 64,
        attempts: opts.attempts ?? 4,
        backoffMs: opts.backoffMs ?? 100,
        maxBackoffMs: opts.maxBackoffMs ?? 5_000,
        concurrency: 2,
        permanent,
        transient: isDatabaseUnreachable,
        log,
      },
    );

    const history: History = {
      record(entry) {
        try {
          const image = 'image' in entry.input ? entry.input.image : undefined;
          const rec: NewRecognition = {
            id: newRecognitionId(),
            userId: entry.userId,
            source: entry.source,
            createdAt: entry.at ?? new Date(),
            input: image ? { thumbnail: null } : (entry.input as Extract<RecordEntry['input'], { strokes: unknown }>),
            recognition: entry.recognition,
            latencyMs: entry.latencyMs,
            ...(entry.boardKey ? { boardKey: entry.boardKey } : {}),
            ...(entry.correctedText ? { correctedText: entry.correctedText } : {}),
            ...(entry.replaces?.length ? { replaces: entry.replaces } : {}),
          };
          queue.push({ rec, image });
        } catch (err) {
          log.error({ err }, 'could not queue a recognition');
        }
      },
      flush: () => queue.drain(),
      list: (userId, filter, page) => listRecognitions(app.prisma, userId, filter, page),
      get: (userId, id) => getRecognition(app.prisma, userId, id),
      all: (userId, filter) => allRecognitions(app.prisma, userId, filter),
      correct: (userId, id, correctedText) => correctRecognition(app.prisma, userId, id, correctedText),
      correctBoard(boardKey, correctedText) {
        boardCorrections.delete(boardKey); // the latest goes last: Map keeps insertion order
        boardCorrections.set(boardKey, correctedText);
        if (boardCorrections.size > PENDING_BOARD_CORRECTIONS) boardCorrections.delete(boardCorrections.keys().next().value!);
        queue.push({ boardKey, correctedText });
      },
      remove: (userId, id) => deleteRecognition(app.prisma, userId, id),
      async removeAll(userId) {
        // Otherwise a record still queued would reappear after "delete all".
        await queue.discard((job) => 'rec' in job && job.rec.userId === userId);
        return deleteAllRecognitions(app.prisma, userId);
      },
      stats: queue.stats,
    };
    app.decorate('history', history);
    app.databaseWriters.set('history', queue.stats);
    // Registered after the prisma plugin, so this runs before the client disconnects.
    app.addHook('onClose', async () => {
      await queue.close(5_000);
    });
  },
  { name: 'history', dependencies: ['prisma'] },
);
