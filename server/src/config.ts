/**
 * Configuration from the environment, validated once at boot. Defaults run on a laptop:
 * port 3000, an SQLite file under data/, the committed model.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether running from sources (tsx) or from dist/. */
export const ROOT = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../../..') : path.resolve(here, '../..');
})();

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  /** Accounts and history: an SQLite file by default (in DATA_DIR), or postgres://... */
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * redis://... joins this process to a cluster: boards and presence span every node through
   * Redis pub/sub. Without it the node runs alone.
   */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** This node's name in logs and health (default: hostname and pid). */
  NODE_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /**
   * Behind a reverse proxy: which hops to trust for the client's address (X-Forwarded-For), as
   * Fastify's trustProxy takes it: "true" or the proxies' addresses/CIDRs ("127.0.0.1,10.0.0.0/8").
   * Rate limits are per client address, so set it when nodes sit behind a balancer.
   */
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Least time between two frames to one busy socket, in ms (0: one frame per event-loop turn),
   * while the server keeps up. See DEFAULT_FLUSH_INTERVAL_MS in realtime/ws-route.ts.
   */
  WS_FLUSH_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 0 }),
  /** The pause may stretch up to this while the event loop runs late (default 64; 0 or WS_FLUSH_MS: never). */
  WS_FLUSH_MAX_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  /**
   * How far V8 lets the heap grow past what survived the last full collection, in percent (0:
   * V8's own choice, up to 300% on a large machine). A busy server makes short-lived garbage fast;
   * V8's default then lets the heap reach ~4x the live data before collecting it (docs/benchmarks.md).
   */
  HEAP_GROWING_PERCENT: Type.Integer({ minimum: 0, maximum: 300, default: 25 }),
  /** Open WebSockets per client address; 0 turns the limit off (load benchmarks). */
  WS_PER_ADDRESS: Type.Integer({ minimum: 0, default: 50 }),
  /** POST /api/recognize per client address per minute; 0 turns the limit off (benchmarks). */
  RECOGNIZE_PER_MINUTE: Type.Integer({ minimum: 0, default: 600 }),
  /**
   * A board file (or a board's rows in PostgreSQL) larger than this is not loaded: its joiners are
   * closed with 4012 and an alert is logged. Compacted boards stay far below it (the live board's
   * ink limit is a few MB of JSON); the default 64 MiB.
   */
  BOARD_MAX_FILE_BYTES: Type.Integer({ minimum: 1, default: 64 * 1024 * 1024 }),
  /**
   * Where account emails (confirm the address, reset the password) go out: smtp://user:pass@host:587
   * or smtps://... (nodemailer's URL form). Without it no mail is sent: each message's link is
   * logged at info level instead (the embedded default, for a laptop).
   */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  /** The From of account emails. */
  MAIL_FROM: Type.String({ minLength: 3, default: 'Digitboard <no-reply@localhost>' }),
  /**
   * The address users reach the site at (https://digits.example.org), used for the links in
   * account emails. Without it a link takes the host the request was sent to, which a client
   * chooses: set it wherever the server is reachable under a Host header you do not control.
   */
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+/?$' })),
  /** Boards (data/rooms/*.jsonl) and, later, the SQLite database live here. */
  DATA_DIR: Type.String({ default: path.join(ROOT, 'data') }),
  MODEL_PATH: Type.String({ default: path.join(ROOT, 'models', 'digitnet.onnx') }),
  CLIENT_DIR: Type.String({ default: path.join(ROOT, 'client', 'dist') }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** Threads onnxruntime may use for one run; 1 keeps the other core for the event loop. */
  INFERENCE_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /** Most inputs in one onnxruntime run; 1 turns micro-batching off (the benchmark's baseline). */
  INFERENCE_MAX_BATCH: Type.Integer({ minimum: 1, maximum: 4096, default: 256 }),
  /**
   * What draws a board's digits for the model: "event-loop" (common/render.ts, at once) or "sharp"
   * (as POST /api/recognize does; its answer waits for a busy event loop to pick it up).
   * See server/src/recognition/rasterize.ts.
   */
  BOARD_RASTERIZER: Type.Union([Type.Literal('event-loop'), Type.Literal('sharp')], { default: 'event-loop' }),
});
/** DATABASE_URL is always set after loadConfig (defaulted from DATA_DIR). */
export type Config = Static<typeof ConfigSchema> & { DATABASE_URL: string };

/** TRUST_PROXY as Fastify's trustProxy option. */
export function trustProxy(config: Pick<Config, 'TRUST_PROXY'>): boolean | string {
  const value = config.TRUST_PROXY;
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : value;
}

/** Reads and validates configuration; throws a readable error naming the bad variables. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const config = { ...(converted as Config), ...overrides };
  config.DATABASE_URL ??= `file:${path.join(config.DATA_DIR, 'digitboard.db')}`;
  const errors = [...Value.Errors(ConfigSchema, config)];
  if (errors.length > 0) {
    throw new Error(`Invalid configuration: ${errors.map((e) => `${e.path.slice(1)} ${e.message} (got ${JSON.stringify(e.value)})`).join('; ')}`);
  }
  return config;
}
