/** Starts the built server as a child process on loopback for benchmarks, and samples its RSS. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../src/config.js';

export async function startServer(port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/src/server.js')], {
    // As `npm start` runs it: a larger libuv pool so file flushes do not starve sharp.
    env: { ...process.env, UV_THREADPOOL_SIZE: '16', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RECOGNIZE_PER_MINUTE: '0', WS_PER_ADDRESS: '0', ...env },
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

export const rssMb = (pid: number) => Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024);

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
