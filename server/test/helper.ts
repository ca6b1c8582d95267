/** Builds the app on an unlistened Fastify instance, with the committed model. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { app, fastifyOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';

export async function build(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const instance = Fastify({ ...fastifyOptions, logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  await instance.register(app, loadConfig(process.env, { LOG_LEVEL: 'silent', ...overrides }));
  await instance.ready();
  return instance;
}
