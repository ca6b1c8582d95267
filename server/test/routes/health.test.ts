import Fastify from 'fastify';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPgCluster } from '../../../scripts/db-pg-cluster.js';
import { applyMigrations } from '../../src/db/migrations.js';
import health from '../../src/plugins/health.js';
import { recognitionOf, STROKES } from '../db/fixtures.js';
import { buildApp, Client, uniqueEmail } from '../db/helper.js';
import { digitStrokes } from '../../../test-support/digit-strokes.js';
import { build } from '../helper.js';

describe('app.health', () => {
  async function instance(opts = {}) {
    const app = Fastify({ logger: false });
    await app.register(health, opts);
    return app;
  }

  it('is ok when every check is, degraded otherwise; a throw or a silence is "down"', async () => {
    const app = await instance({ timeoutMs: 50, cacheMs: 0 });
    app.health.register('a', () => ({ status: 'ok', extra: 1 }));
    expect(await app.health.report()).toEqual({ status: 'ok', checks: { a: { status: 'ok', extra: 1 } } });
    app.health.register('b', async () => {
      throw new Error('secret host db.internal:5432');
    });
    app.health.register('c', () => new Promise(() => undefined));
    const started = performance.now();
    const report = await app.health.report();
    // In parallel: one timeout, not one per check.
    expect(performance.now() - started).toBeLessThan(500);
    expect(report).toEqual({
      status: 'degraded',
      checks: {
        a: { status: 'ok', extra: 1 },
        b: { status: 'down', error: 'check failed' },
        c: { status: 'down', error: 'no answer within 50 ms' },
      },
    });
    expect(() => app.health.register('a', () => ({ status: 'ok' }))).toThrow(/already/);
    await app.close();
  });

  it('reuses a report for cacheMs, so a flood of requests runs each check once', async () => {
    const app = await instance({ cacheMs: 200 });
    let calls = 0;
    app.health.register('db', async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { status: 'ok' };
    });
    await Promise.all(Array.from({ length: 50 }, () => app.health.report()));
    await app.health.report();
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    await app.health.report();
    expect(calls).toBe(2);
    await app.close();
  });
});

describe('GET /api/health', () => {
  it('reports the model and a database check (SQLite)', async () => {
    const app = await build();
    try {
      const res = await app.inject('/api/health');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'ok',
        model: expect.any(String),
        uptimeSeconds: expect.any(Number),
        inference: expect.any(Object),
        checks: { database: { status: 'ok', provider: 'sqlite', queues: { history: { queued: 0, failing: false } } } },
      });
    } finally {
      await app.close();
    }
  });

  it('says degraded while PostgreSQL is down, keeps recognizing, and recovers with the history written', async () => {
    const cluster = await startPgCluster();
    try {
      await applyMigrations(cluster.url);
      const app = await buildApp({ databaseUrl: cluster.url });
      try {
        const client = new Client(app);
        const { id: userId } = (await client.register(uniqueEmail())).json();
        expect((await app.inject('/api/health')).json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });

        await cluster.pause();
        // The session cannot be read while the database is away, so record history directly.
        for (let i = 0; i < 3; i++) {
          app.history.record({ userId, source: 'api', input: { strokes: STROKES, width: 1, height: 1 }, recognition: recognitionOf('7'), latencyMs: 1 });
        }
        const recognized = await app.inject({ method: 'POST', url: '/api/recognize', payload: { strokes: digitStrokes(3), width: 300, height: 300 } });
        expect(recognized.statusCode).toBe(200);
        expect(recognized.json().text).toBe('3');
        await new Promise((r) => setTimeout(r, 1_100)); // past the health cache
        const res = await app.inject('/api/health');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toMatchObject({ status: 'degraded', model: expect.any(String), checks: { database: { status: 'down', error: 'unreachable' } } });
        expect(body.checks.database.queues.history.failing).toBe(true);
        expect(app.history.stats).toMatchObject({ failing: true, failed: 0, dropped: 0 });
        // Nothing about where the database is.
        expect(res.body).not.toContain('127.0.0.1');

        await cluster.resume();
        await app.history.flush();
        expect(await app.prisma.recognition.count({ where: { userId } })).toBe(3);
        expect(app.history.stats).toMatchObject({ failing: false, failed: 0 });
        await new Promise((r) => setTimeout(r, 1_100));
        expect((await app.inject('/api/health')).json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
      } finally {
        await app.close();
      }
    } finally {
      await cluster.stop();
    }
  });

  it('says degraded, with a reason, when the boards directory cannot be written (a real write, not a flag)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-health-'));
    const app = await build({ DATA_DIR: dataDir });
    try {
      // A file where the rooms directory should be: nothing can be created in it, root or not.
      // (Before any health request: a probe's success is kept for 5 s.)
      rmSync(path.join(dataDir, 'rooms'), { recursive: true, force: true });
      writeFileSync(path.join(dataDir, 'rooms'), '');
      const res = await app.inject('/api/health');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'degraded',
        reason: 'writes: the data directory is not writable',
        model: expect.any(String),
        checks: { writes: { status: 'down', dataDir: 'not writable', database: 'ok' }, database: { status: 'ok' } },
      });
      expect(res.body).not.toContain(dataDir); // paths go to the log, not to a public answer
      // Writable again: a failure is probed again at the next report.
      rmSync(path.join(dataDir, 'rooms'));
      await new Promise((r) => setTimeout(r, 1_100)); // past the report cache
      expect((await app.inject('/api/health')).json()).toMatchObject({ status: 'ok', checks: { writes: { status: 'ok', dataDir: 'ok', database: 'ok' } } });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says degraded when the database answers reads but refuses writes', async () => {
    const app = await build();
    try {
      // SQLite's read-only switch on the app's one connection: SELECT 1 still answers.
      await app.prisma.$executeRawUnsafe('PRAGMA query_only = ON');
      const body = (await app.inject('/api/health')).json();
      expect(body).toMatchObject({
        status: 'degraded',
        reason: 'writes: the database refuses writes',
        checks: { writes: { status: 'down', database: 'not writable' }, database: { status: 'ok' } },
      });
      await app.prisma.$executeRawUnsafe('PRAGMA query_only = OFF');
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await app.inject('/api/health')).json()).toMatchObject({ status: 'ok', checks: { writes: { status: 'ok' } } });
      expect((await app.inject('/api/health')).json().reason).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('start', () => {
  it('refuses to start with an unwritable data directory, in one line naming the path and why', () => {
    const blocker = mkdtempSync(path.join(tmpdir(), 'digitboard-start-'));
    writeFileSync(path.join(blocker, 'file'), '');
    const dataDir = path.join(blocker, 'file', 'data');
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/server.ts'], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'db.sqlite')}`, PORT: '0', LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      const lines = `${run.stdout}${run.stderr}`.trim().split('\n');
      expect(lines).toEqual([`digitboard: cannot start: the data directory (DATA_DIR) ${dataDir} is not writable: ENOTDIR, a part of the path is a file, not a directory`]);
    } finally {
      rmSync(blocker, { recursive: true, force: true });
    }
  }, 70_000);
});
