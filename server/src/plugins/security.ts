/**
 * Security headers on every response (@fastify/helmet): a Content Security Policy the app runs
 * under, plus helmet's other defaults (nosniff, cross-origin policies), X-Frame-Options DENY, and
 * HSTS on answers to requests that came over TLS (directly, or per a trusted proxy: TRUST_PROXY).
 *
 * Register it first in app.ts, before the routes: the /docs routes get their own policy through
 * an onRoute hook, which only sees routes added after it.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

type Directives = Record<string, string[] | null>;

/**
 * The client's policy. Each source is there for a reason:
 * - script-src 'wasm-unsafe-eval': onnxruntime-web compiles its .wasm in the browser (on-device
 *   recognition); it allows WebAssembly compilation only, not eval() or new Function().
 * - worker-src blob:: onnxruntime-web's proxy mode starts its worker from a blob URL.
 * - connect-src 'self': fetch() and the board's WebSocket (CSP Level 3 browsers match ws(s): of
 *   the page's own host with 'self').
 * - img-src data: blob:: the inline SVG favicon; canvas exports and upload previews.
 * - style-src 'unsafe-inline': index.html has an inline <style> and Lit sets a few `style`
 *   attributes; Lit's component styles use adoptedStyleSheets, which CSP does not govern.
 *   Scripts stay strict, which is what stops XSS.
 */
export const APP_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'script-src-attr': ["'none'"],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // helmet adds upgrade-insecure-requests by default: it breaks the app served over plain http
  // on a LAN address (every subresource would be fetched over https).
  'upgrade-insecure-requests': null,
};

/**
 * Swagger UI at /docs (@fastify/swagger-ui serves it with no inline script): it needs inline
 * styles and data: images, and shows the validator badge from validator.swagger.io.
 */
export const DOCS_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'https://validator.swagger.io'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'upgrade-insecure-requests': null,
};

export interface SecurityOptions {
  /** Where the API docs are served (swagger-ui's routePrefix). */
  docsPrefix?: string;
}

async function security(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  const docsPrefix = opts.docsPrefix ?? '/docs';
  // Added before helmet's own onRoute hook, which turns a route's `helmet` option into its config.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.url === docsPrefix || route.url.startsWith(`${docsPrefix}/`)) {
      route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } };
    }
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_CSP },
    // Not helmet's no-referrer: under it a page's HTML form POSTs carry `Origin: null` (Fetch
    // spec; fetch() is unaffected) and no Referer, which the CSRF check (plugins/auth.ts) refuses.
    // same-origin keeps both for our own requests, and board URLs (/r/<id>, a capability) out
    // of other sites' logs.
    referrerPolicy: { policy: 'same-origin' },
    // The client loads nothing cross-origin; a cross-origin opener could not reach it anyway.
    crossOriginEmbedderPolicy: false,
    // No page of ours is meant to be framed, ours included: DENY, as frame-ancestors 'none' says.
    frameguard: { action: 'deny' },
    // helmet sends HSTS on every answer; over plain http it is meaningless (browsers ignore it)
    // and tells a reader of the headers something false. Sent below, for TLS requests only.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    // request.protocol is 'https' on a TLS socket, or from X-Forwarded-Proto when TRUST_PROXY
    // trusts the proxy that set it; an untrusted client's header is ignored.
    if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
  });
}

/** helmet's own default value. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** Not encapsulated: the headers apply to every route of the instance that registers it. */
export default fp(security, { name: 'security', fastify: '5.x' });
