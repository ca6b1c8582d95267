/** Builds the app on an unlistened Fastify instance, with the committed model and a temp data dir. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { app, fastifyOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';

export async function build(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-test-'));
  const instance = Fastify({ ...fastifyOptions, logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  instance.addHook('onClose', async () => rmSync(dataDir, { recursive: true, force: true }));
  await instance.register(app, loadConfig(process.env, { LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'digitboard.db')}`, ...overrides }));
  await instance.ready();
  return instance;
}
