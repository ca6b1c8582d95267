/**
 * Large stored boards against the built server on loopback (issue 17, item 2): a board file over
 * the limit is refused with 4012 and an alert while the server keeps serving; a large board under
 * it loads while another board keeps getting its pongs, and is compacted once loaded. Prints the
 * figures docs/security.md quotes (real times: printed, not asserted).
 *
 *   npm run build:server && npx vitest run --config vitest.fuzz.config.ts server/fuzz/board-storage.fuzz.ts
 *   FUZZ_SERVER_ENTRY=<other build>/dist/server/src/server.js ... runs it against another build.
 *   FUZZ_BOARD_MB (default 40) sizes the board that loads.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../common/protocol.js';
import { BIG_ROOM, describeJoin, joinWhilePinging, writeBigBoard } from '../bench/board-load.js';
import { startServerUnderTest, type ServerUnderTest } from './server-under-test.js';

const LOADABLE_MB = Number(process.env.FUZZ_BOARD_MB || 40);
/** The server's limit for these runs: the default's 64 MiB is 67 MB; a smaller one keeps the files small. */
const LIMIT = 48 * 2 ** 20;

let sut: ServerUnderTest;
const lines: string[] = [];
/** The board the second test loads (the first one's is refused: a board of its own). */
const LOADABLE_ROOM = 'BigBoardTwoBigBoardTwo';
const file = (room = BIG_ROOM) => path.join(sut.dataDir, 'rooms', `${room}.jsonl`);

beforeAll(async () => {
  sut = await startServerUnderTest({ BOARD_MAX_FILE_BYTES: String(LIMIT) });
});

afterAll(async () => {
  console.log([`board storage summary (${process.env.FUZZ_SERVER_ENTRY || 'dist/'})`, ...lines, `server: ${sut?.exit ? `EXITED ${JSON.stringify(sut.exit)}` : 'alive'}`].join('\n'));
  await sut?.stop();
});

describe('large stored boards', () => {
  it('refuses a board file over the limit with 4012 and one alert naming it, and keeps serving', async () => {
    const size = await writeBigBoard(file(), 55);
    const r = await joinWhilePinging(sut.base);
    lines.push(`${(size / 1e6).toFixed(1)} MB board over a ${LIMIT} B limit: ${describeJoin(r)}`);
    expect(r.welcomed).toBe(false);
    expect(r.close).toEqual({ code: CloseCode.boardTooLarge, reason: expect.stringMatching(/^this board's file is [\d.]+ MiB, over the 48\.0 MiB a board may load/) });
    expect(sut.errorLines).toHaveLength(1);
    expect(JSON.parse(sut.errorLines[0])).toMatchObject({ room: BIG_ROOM, bytes: size, limit: LIMIT });
    // The other board got an answer to every ping, and the server is well.
    expect(r.pingMs.length).toBeGreaterThan(0);
    expect((await fetch(`${sut.base}/api/health`)).ok).toBe(true);
    expect(sut.exit).toBeNull();
  });

  it(`loads a ${LOADABLE_MB} MB board while another board keeps getting pongs, and compacts it once loaded`, async () => {
    const size = await writeBigBoard(file(LOADABLE_ROOM), LOADABLE_MB);
    const rssBefore = sut.peakRssMb;
    const r = await joinWhilePinging(sut.base, LOADABLE_ROOM);
    lines.push(`${(size / 1e6).toFixed(1)} MB board: ${describeJoin(r)}; peak RSS ${rssBefore} -> ${sut.peakRssMb} MB`);
    expect(r.welcomed).toBe(true);
    expect(r.strokes).toBe(40);
    expect(r.pongsDuringJoin).toBeGreaterThan(0);
    // Compaction follows the load; wait for it (a guard against a hang, not a time limit).
    for (let i = 0; i < 600 && statSync(file(LOADABLE_ROOM)).size > 1e6; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const after = statSync(file(LOADABLE_ROOM)).size;
    lines.push(`board file after the load: ${(after / 1e6).toFixed(2)} MB`);
    expect(after).toBeLessThan(1e6);
    expect(sut.errorCount).toBe(1); // the refusal above, nothing since
    expect(sut.exit).toBeNull();
  });
});
