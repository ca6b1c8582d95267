/**
 * A throwaway PostgreSQL cluster for tests and for `npm run db:diff`: initdb in a temp folder,
 * a loopback port, no fsync, stopped and deleted by stop(). Needs Debian's `postgresql` package
 * (the binaries under /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root, so
 * as root the server runs as the `postgres` system user the package creates.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../server/cluster/ports.js';

export interface PgCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /**
   * Simulates an outage: stops the server (fast shutdown: sessions are cut, the data folder is
   * kept). Idempotent.
   */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port with the same data. Idempotent. */
  resume(): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql, or set PG_BIN');
  }
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'digitboard-pg-'));
  const asRoot = process.getuid?.() === 0;
  // As root, run every server command as `postgres` (runuser ships with util-linux).
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, cmd), args, { stdio: 'pipe' });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    // A test database: durability buys nothing and costs seconds.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const start = () => run('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not start a throwaway PostgreSQL: ${(err as Error).message}\n${detail}`, { cause: err });
  }
  let stopped = false;
  let paused = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async pause() {
      if (stopped) throw new Error('the cluster is stopped');
      if (paused) return;
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      paused = true;
    },
    async resume() {
      if (stopped) throw new Error('the cluster is stopped');
      if (!paused) return;
      // The port was ours a moment ago; another process may have taken it meanwhile, in which
      // case pg_ctl fails and says so (rare on loopback with an ephemeral port).
      start();
      paused = false;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (!paused) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
