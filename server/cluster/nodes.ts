/**
 * Server nodes as child processes (the built server, dist/): spawn, wait for /api/health, kill -9,
 * SIGTERM, start again on the same port. Each node keeps its log lines (LOG_LEVEL=warn, so only
 * warnings and errors) for failure messages, and its memory: sampled RSS and the kernel's
 * high-water mark, kept across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { procStatusMb } from '../bench/server-process.js';
import { ROOT } from '../src/config.js';
import { freePort, sleep } from './ports.js';

export interface NodeOptions {
  name: string;
  databaseUrl: string;
  redisUrl?: string;
  port?: number;
  /** Extra environment (overrides the defaults). */
  env?: Record<string, string>;
}

export interface Health {
  status: string;
  checks?: Record<string, { status: string } & Record<string, unknown>>;
  [key: string]: unknown;
}

export class ClusterNode {
  readonly name: string;
  port = 0;
  readonly dataDir: string;
  child: ChildProcess | null = null;
  /** How the last process ended. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** Warning and error lines, newest last (at most 200). */
  readonly logLines: string[] = [];
  /** Highest RSS seen in any incarnation (MB). */
  peakRssMb = 0;
  private sampler: NodeJS.Timeout | null = null;
  private readonly expectedExit = new Set<ChildProcess>();

  constructor(private readonly opts: NodeOptions) {
    this.name = opts.name;
    this.dataDir = mkdtempSync(path.join(tmpdir(), `digitboard-${opts.name}-`));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== null && this.exit === null;
  }

  /** Spawns the process and waits until /api/health answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive) throw new Error(`${this.name} is already running`);
    const entry = path.join(ROOT, 'dist/server/src/server.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: npm run build:server`);
    this.port ||= this.opts.port ?? (await freePort());
    this.exit = null;
    const child = spawn(process.execPath, [entry], {
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: '16',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATA_DIR: this.dataDir,
        DATABASE_URL: this.opts.databaseUrl,
        NODE_ID: this.name,
        ...(this.opts.redisUrl ? { REDIS_URL: this.opts.redisUrl } : {}),
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child === child) this.exit = { code, signal };
      if (!this.expectedExit.has(child)) this.note(`EXITED UNEXPECTEDLY (code ${code}, signal ${signal})`);
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.note(line.slice(0, 2000)));
    }
    this.sampler ??= setInterval(() => this.sampleRss(), 250);
    this.sampler.unref();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`${this.name} exited during start (${JSON.stringify(this.exit)}):\n${this.logLines.slice(-20).join('\n')}`);
      try {
        if ((await fetch(`${this.url}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not become healthy within ${timeoutMs} ms:\n${this.logLines.slice(-20).join('\n')}`);
  }

  private note(line: string): void {
    this.logLines.push(`[${this.name}] ${line}`);
    if (this.logLines.length > 200) this.logLines.shift();
    if (process.env.CLUSTER_VERBOSE) process.stderr.write(`[${this.name}] ${line}\n`);
  }

  /** Current RSS in MB (0 when not running); also updates the peak. */
  sampleRss(): number {
    const pid = this.alive ? this.child?.pid : undefined;
    if (!pid) return 0;
    const now = procStatusMb(pid, 'VmRSS') ?? 0;
    const hwm = procStatusMb(pid, 'VmHWM') ?? 0;
    this.peakRssMb = Math.max(this.peakRssMb, now, hwm);
    return now;
  }

  async health(): Promise<{ httpStatus: number; body: Health }> {
    const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(3_000) });
    return { httpStatus: res.status, body: (await res.json()) as Health };
  }

  private async stopWith(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const child = this.child;
    if (!child || this.exit) return { ...(this.exit ?? { code: null, signal: null }), ms: 0 };
    this.sampleRss();
    this.expectedExit.add(child);
    const started = performance.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
    child.kill(signal);
    const result = await exited;
    return { ...result, ms: Math.round(performance.now() - started) };
  }

  /** kill -9: no shutdown code runs. */
  kill9(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    return this.stopWith('SIGKILL');
  }

  /** SIGTERM and wait for the exit (graceful shutdown); returns how it exited and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    return this.stopWith('SIGTERM');
  }

  /** Stops the node for good (SIGTERM, then SIGKILL after 15 s) and deletes its data folder. */
  async dispose(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    if (this.alive) {
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
      await this.terminate();
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
