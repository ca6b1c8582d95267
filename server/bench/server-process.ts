/** Starts the built server as a child process on loopback for benchmarks and tests, and samples its memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol-constants.js';
import { ROOT } from '../src/config.js';

export interface StartOptions {
  /** The server script (default: this checkout's dist/server/src/server.js). */
  script?: string;
  nodeArgs?: string[];
  /** The environment the server's own settings are added to (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
}

export async function startServer(port: number, env: Record<string, string> = {}, opts: StartOptions = {}): Promise<ChildProcess> {
  const script = opts.script ?? path.join(ROOT, 'dist/server/src/server.js');
  // A server left on the port (an earlier run that crashed) would answer the health checks below
  // in place of this one, and be measured instead.
  if (await fetch(`http://127.0.0.1:${port}/api/health`).then(() => true, () => false)) {
    throw new Error(`port ${port} is already in use by another server: stop it first`);
  }
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], {
    // As `npm start` runs it: a larger libuv pool so file flushes do not starve sharp. Per-address
    // limits off: every load client comes from 127.0.0.1.
    env: { ...(opts.baseEnv ?? process.env), UV_THREADPOOL_SIZE: '16', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RECOGNIZE_PER_MINUTE: '0', WS_PER_ADDRESS: '0', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

/** A process's VmRSS (resident now) or VmHWM (its peak) in MB, from /proc; null once it is gone. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Resident memory in MB (0 once the process is gone). */
export const rssMb = (pid: number) => procStatusMb(pid, 'VmRSS') ?? 0;

export async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Replaces the block between <!-- bench:name --> markers in a markdown file (or appends it). */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`, end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start), j = doc.indexOf(end);
  return i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
}

/**
 * The protocol version the server speaks: ours, or the one it names when it refuses ours (the
 * "before" build may be older).
 */
export async function serverProtocol(port: number): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answer = new Promise<number>((resolve) => {
    ws.once('message', () => resolve(PROTOCOL_VERSION));
    ws.once('close', (_code, reason) => resolve(Number(/speaks (\d+)/.exec(reason.toString())?.[1] ?? PROTOCOL_VERSION)));
  });
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
  const version = await answer;
  ws.close();
  return version;
}
