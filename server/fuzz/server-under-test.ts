/**
 * The built server (dist/) as a child process on loopback, watched for the fuzz run: whether it
 * exits, how much memory it holds (sampled, and the kernel's high-water mark), and the error
 * lines it logs. Like bench/server-process.ts's startServer, but with its output piped: an
 * "unhandled rejection" or a 5xx is only visible in the log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { procStatusMb, rssMb } from '../bench/server-process.js';
import { freePort } from '../cluster/ports.js';
import { ROOT } from '../src/config.js';

export interface ServerUnderTest {
  child: ChildProcess;
  /** The server's DATA_DIR (a fresh temporary directory, removed by stop()). */
  dataDir: string;
  port: number;
  base: string;
  /** Set when the process exits (a crash, if before stop()). */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Log lines at level error (50) or above, newest last (at most 50 kept) and their count. */
  errorLines: string[];
  /** The first 12 such lines (a crash's message and the top of its stack). */
  firstErrorLines: string[];
  /** The signal the server says it shut down on, if it did (someone else stopped it). */
  shutdownSignal: string | null;
  errorCount: number;
  /** Highest sampled RSS in MB. */
  peakRssMb: number;
  /** Reads VmHWM (peak RSS, from the kernel) in MB; null where /proc is missing. */
  highWaterMb(): number | null;
  stop(): Promise<void>;
}

/** MODEL_PATH from the environment, else the committed model. */
export function modelPath(): string {
  const model = process.env.MODEL_PATH || path.join(ROOT, 'models', 'digitnet.onnx');
  if (!existsSync(model)) throw new Error(`no model at ${model}: set MODEL_PATH`);
  return model;
}

/** `env` adds to (or overrides) the server's settings. */
export async function startServerUnderTest(env: Record<string, string> = {}): Promise<ServerUnderTest> {
  // FUZZ_SERVER_ENTRY runs the suite against another build (say, one with a candidate fix).
  const entry = process.env.FUZZ_SERVER_ENTRY || path.join(ROOT, 'dist/server/src/server.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: npm run build:server`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-fuzz-'));
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      // info, for the "shutting down" line; request lines are parsed and dropped.
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, 'digitboard.db')}`,
      MODEL_PATH: modelPath(),
      // The uploads are meant to reach the decoders; the limit itself is tested in recognize.test.ts.
      RECOGNIZE_PER_MINUTE: '0',
      WS_PER_ADDRESS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sut: ServerUnderTest = {
    child,
    dataDir,
    port,
    base: `http://127.0.0.1:${port}`,
    exit: null,
    errorLines: [],
    firstErrorLines: [],
    shutdownSignal: null,
    errorCount: 0,
    peakRssMb: 0,
    highWaterMb: () => (child.pid ? procStatusMb(child.pid, 'VmHWM') : null),
    stop: async () => {
      stopping = true;
      clearInterval(sampler);
      if (sut.exit === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  let stopping = false;
  child.once('exit', (code, signal) => {
    sut.exit = { code, signal };
    const by = sut.shutdownSignal ? ` after a ${sut.shutdownSignal} from another process` : '';
    if (!stopping) process.stderr.write(`THE SERVER EXITED (code ${code}, signal ${signal})${by}; first error lines:\n${sut.firstErrorLines.join('\n')}\n`);
  });
  // pino writes JSON lines; anything else (a native crash message) counts as an error too.
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      let level = 60;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; signal?: string };
        level = entry.level ?? 60;
        if (entry.msg === 'shutting down') sut.shutdownSignal = entry.signal ?? 'signal';
      } catch {
        // not JSON: keep it
      }
      if (level >= 50) {
        sut.errorCount++;
        if (sut.firstErrorLines.length < 12) sut.firstErrorLines.push(line.slice(0, 2000));
        sut.errorLines.push(line.slice(0, 2000));
        if (sut.errorLines.length > 50) sut.errorLines.shift();
      }
    });
  }
  const sample = () => {
    if (!child.pid || sut.exit) return;
    const mb = rssMb(child.pid);
    if (mb > sut.peakRssMb) sut.peakRssMb = mb;
  };
  const sampler = setInterval(sample, 100);
  sampler.unref();

  for (let i = 0; i < 300; i++) {
    if (sut.exit) break;
    try {
      if ((await fetch(`${sut.base}/api/health`)).ok) return sut;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await sut.stop();
  throw new Error(`the server did not start (exit: ${JSON.stringify(sut.exit)}): ${sut.errorLines.join('\n')}`);
}
