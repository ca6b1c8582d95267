/**
 * Floods of frames from one socket against the built server on loopback (issue 17, items 1 and
 * 6): whatever one socket sends, the server closes it, its memory stays bounded and other
 * requests keep their pace. Prints the figures docs/security.md quotes.
 *
 *   npm run build:server && npx vitest run --config vitest.fuzz.config.ts server/fuzz/flood.fuzz.ts
 *   FUZZ_SERVER_ENTRY=<other build>/dist/server/src/server.js ... runs it against another build
 *   (FUZZ_PROTOCOL=<its version> when it speaks an older protocol).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE } from '../src/realtime/connection.js';
import { FuzzSocket } from './fuzz-socket.js';
import { floodOneSocket, maskedFrame, textFrame, type FloodResult } from './frame-flood.js';
import { startServerUnderTest, type ServerUnderTest } from './server-under-test.js';

const FRAMES = Number(process.env.FUZZ_FLOOD_FRAMES || 1_000_000);
const PROTOCOL = Number(process.env.FUZZ_PROTOCOL || PROTOCOL_VERSION);
/** RSS a flood may add (MB, peak over before); the unbounded build added ~340 MB for 1,000,000 frames. */
const RSS_GROWTH_MB = 64;
/** GET /api/health during a flood, at worst (ms); the unbounded build took up to 4.7 s. */
const HEALTH_MS = 1_000;

let sut: ServerUnderTest;
const lines: string[] = [];

function summary(name: string, r: FloodResult): string {
  const sorted = [...r.healthMs].sort((a, b) => a - b);
  const p50 = sorted[sorted.length >> 1] ?? NaN;
  return (
    `${name}: ${r.framesWritten.toLocaleString('en')} frames in ${(r.floodMs / 1000).toFixed(1)} s; RSS ${r.rssBeforeMb} MB before, ` +
    `peak ${r.rssPeakMb} MB, ${r.rssAfterMb} MB 5 s after; /api/health p50 ${p50.toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms ` +
    `over ${sorted.length} requests; the server sent ${r.textFrames} message frame(s) and close ${r.closeCode ?? 'none'} ${r.closeReason}`
  );
}

beforeAll(async () => {
  sut = await startServerUnderTest();
});

afterAll(async () => {
  console.log([`flood summary (${process.env.FUZZ_SERVER_ENTRY || 'dist/'})`, ...lines, `server: ${sut?.exit ? `EXITED ${JSON.stringify(sut.exit)}` : 'alive'}; ${sut?.errorCount} error log line(s)`].join('\n'));
  await sut?.stop();
});

describe('one socket flooding the server', () => {
  it(`${FRAMES.toLocaleString('en')} empty binary frames before hello, unread: closed with 1003, memory and other requests unaffected`, async () => {
    const r = await floodOneSocket(sut.base, sut.child.pid!, { frame: maskedFrame(0x2), count: FRAMES });
    lines.push(summary('binary flood before hello', r));
    expect(sut.exit).toBeNull();
    expect(r.closeCode).toBe(CloseCode.unsupportedData);
    expect(r.textFrames).toBeLessThanOrEqual(BINARY_FRAME_ALLOWANCE);
    expect(r.rssPeakMb - r.rssBeforeMb).toBeLessThan(RSS_GROWTH_MB);
    expect(Math.max(...r.healthMs)).toBeLessThan(HEALTH_MS);
  });

  it(`${FRAMES.toLocaleString('en')} pings right after hello (while the board loads), unread: closed with 4008, memory and other requests unaffected`, async () => {
    const r = await floodOneSocket(sut.base, sut.child.pid!, { prelude: textFrame({ type: 'hello', protocol: PROTOCOL }), frame: textFrame({ type: 'ping', t: 1 }), count: FRAMES });
    lines.push(summary('ping flood right after hello', r));
    expect(sut.exit).toBeNull();
    expect(r.closeCode).toBe(CloseCode.rateLimited);
    expect(r.rssPeakMb - r.rssBeforeMb).toBeLessThan(RSS_GROWTH_MB);
    expect(Math.max(...r.healthMs)).toBeLessThan(HEALTH_MS);
  });

  it('5,000 binary frames from a reading client after hello: at most the allowance of errors, then close 1003', async () => {
    const s = await FuzzSocket.open(`${sut.base.replace(/^http/, 'ws')}/ws`);
    s.sendJson({ type: 'hello', protocol: PROTOCOL });
    expect(await s.until(() => s.inbox.some((m) => m.type === 'welcome'), 10_000)).toBe(true);
    const from = s.inbox.length;
    for (let i = 0; i < 5_000; i++) s.ws.send(Buffer.alloc(0), { binary: true });
    await s.until(() => s.closed !== null, 10_000);
    const errors = s.since(from, 'error').length;
    lines.push(`binary frames from a reading client: 5,000 sent, ${errors} error(s) back, close ${s.closed?.code ?? 'none'}`);
    s.terminate();
    expect(s.closed?.code).toBe(CloseCode.unsupportedData);
    expect(errors).toBeLessThanOrEqual(BINARY_FRAME_ALLOWANCE);
  });

  it('is still alive and healthy and logged no errors', async () => {
    expect(sut.exit).toBeNull();
    expect((await fetch(`${sut.base}/api/health`)).status).toBe(200);
    expect(sut.errorCount, sut.errorLines.slice(-5).join('\n')).toBe(0);
  });
});
