import { expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A server of the test's own (the built one, on its own port and data folder), for journeys that
 * stop it and start it again: the shared webServer of playwright.config.ts must stay up for the others.
 */
export class OwnServer {
  readonly baseURL: string;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-e2e-'));
  private process: ChildProcess | undefined;

  constructor(private readonly port: number) {
    this.baseURL = `http://127.0.0.1:${port}`;
  }

  /** Starts it (again, on the same data) and waits until it answers. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['dist/server/src/server.js'], {
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', DATA_DIR: this.dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.process = child;
    await expect
      .poll(async () => (await fetch(`${this.baseURL}/api/health`).catch(() => undefined))?.ok ?? false, { timeout: 30_000 })
      .toBe(true);
  }

  /**
   * Stops it the hard way (SIGKILL, as a crash or a pulled plug would: sockets just drop, nothing
   * is said to the clients) and waits for the process to end.
   */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
