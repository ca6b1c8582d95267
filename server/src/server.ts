/** The process: configuration, logging, graceful shutdown, listen. */
import v8 from 'node:v8';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import path from 'node:path';
import { app, fastifyOptions } from './app.js';
import { loadConfig, trustProxy } from './config.js';
import { providerOf } from './db/provider.js';
import { probeDirectory } from './plugins/health.js';

const config = loadConfig();

// Directories the server must write, tried before anything opens them: an unwritable one is one
// clear line (which path, why), not a database driver's stack trace from deep inside the start.
if (providerOf(config.DATABASE_URL) === 'sqlite') {
  const file = config.DATABASE_URL.slice('file:'.length).split('?')[0];
  const dirs = [['the data directory (DATA_DIR)', config.DATA_DIR]];
  if (file !== '' && !file.startsWith(':memory:') && !file.startsWith('//')) {
    const dbDir = path.dirname(path.resolve(file));
    if (dbDir !== path.resolve(config.DATA_DIR)) dirs.push(["the database's directory (DATABASE_URL)", dbDir]);
  }
  for (const [what, dir] of dirs) {
    const problem = await probeDirectory(dir);
    if (problem) {
      process.stderr.write(`digitboard: cannot start: ${what} ${problem}\n`);
      process.exit(1);
    }
  }
}
// Read by V8 at every full collection, so setting it now (not on the command line) takes effect.
if (config.HEAP_GROWING_PERCENT > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWING_PERCENT}`);
const server = Fastify({
  ...fastifyOptions,
  trustProxy: trustProxy(config),
  logger: { level: config.LOG_LEVEL },
}).withTypeProvider<TypeBoxTypeProvider>();

await server.register(app, config);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  server.log.info({ signal }, 'shutting down');
  // A second signal or a stuck close must not keep the process alive forever (the board store
  // waits up to 10 s for queued writes).
  const timer = setTimeout(() => {
    server.log.error('shutdown timed out; exiting');
    process.exit(1);
  }, 20_000);
  timer.unref();
  try {
    await server.close();
    process.exit(0);
  } catch (err) {
    server.log.error({ err }, 'error during shutdown');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('unhandledRejection', (err) => server.log.error({ err }, 'unhandled rejection'));

try {
  await server.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  server.log.fatal({ err }, 'cannot start');
  process.exit(1);
}
