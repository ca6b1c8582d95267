/**
 * A throwaway redis-server (Debian's `redis-server` package) on a loopback port: no RDB snapshots,
 * no AOF, nothing on disk. kill() stops it hard (SIGKILL, the "Redis goes away" fault) and
 * restart() brings a fresh, empty one back on the same port, as a restarted Redis would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort, sleep } from './ports.js';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** True while a redis-server process of ours is running. */
  readonly running: boolean;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a new, empty redis-server on the same port; resolves when it answers PING. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Sends PING on a fresh connection; true when +PONG comes back. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

function spawnRedis(port: number): ChildProcess {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning', '--dir', '/tmp'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (d) => process.stderr.write(`[redis:${port}] ${d}`));
  return child;
}

export async function startRedis(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  let child: ChildProcess | null = null;
  const up = async () => {
    child = spawnRedis(p);
    let failed: Error | null = null;
    child.once('error', (err) => (failed = err));
    for (let i = 0; i < 200; i++) {
      if (failed) throw new Error(`could not start redis-server (apt-get install -y redis-server): ${(failed as Error).message}`);
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (port ${p} taken?)`);
      if (await ping(p)) return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${p} did not answer PING`);
  };
  const down = async (signal: NodeJS.Signals) => {
    const c = child as ChildProcess | null;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  await up();
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    get running() {
      return child !== null;
    },
    kill: () => down('SIGKILL'),
    async restart() {
      await down('SIGKILL');
      await up();
    },
    stop: () => down('SIGKILL'),
  };
}
