/**
 * Sessions for every route: reads the session cookie in an onRequest hook (so the WebSocket
 * upgrade sees it too), sets `request.user`, and refuses cross-site state changes made with the
 * cookie (CSRF). Routes that need an account call `app.auth.requireUser(request)`.
 */
import cookie from '@fastify/cookie';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createSession, deleteSession, hashToken, resolveSession, type ResolvedSession } from '../db/accounts.js';
import { isStorageUnavailable } from '../db/unwritable.js';
import { errorHandler } from '../error-handler.js';
import { errors } from '../errors.js';
import { noteOwner } from '../realtime/account-sockets.js';

export const SESSION_COOKIE = 'digitboard_session';

/** The coded error for a refused link (db/account-tokens.ts). */
export function tokenError(refusal: 'invalid' | 'used' | 'expired'): Error {
  return refusal === 'used' ? new errors.TokenUsed() : refusal === 'expired' ? new errors.TokenExpired() : new errors.InvalidToken();
}

/**
 * The error handler of the account routes: the app's (errorHandler), except that a database
 * that refuses writes or cannot be reached is a 503 storage_unavailable, not a 500.
 */
export function accountsErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (!err.statusCode && isStorageUnavailable(err)) {
    errorHandler(new errors.StorageUnavailable({ cause: err }) as FastifyError, request, reply);
    return;
  }
  errorHandler(err, request, reply);
}

/**
 * Login CSRF: a page elsewhere must not sign a visitor into an account it controls (nor use a
 * visitor's browser for the other account forms). Browsers send an Origin with every POST;
 * non-browser clients send none and are let through.
 */
export function refuseForeignOrigin(request: FastifyRequest): void {
  if ((request.headers.origin || request.headers.referer) && !sameOrigin(request)) {
    throw new errors.ForbiddenOrigin('Sign-in must come from this site');
  }
}

/** Who a request is from. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string | null;
}

export interface Auth {
  /** Opens a session for the user and sets its cookie on the reply. */
  startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>;
  /** Deletes the request's session (if any) and clears the cookie. */
  endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The signed-in user, or throws 401 (503 when the session store could not be read). */
  requireUser(request: FastifyRequest): SessionUser;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. Set for every route, GET /ws included, before its handler. */
    user: SessionUser | null;
  }
  interface FastifyInstance {
    auth: Auth;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session lookup, once per request whoever asks first (the hook or sessionUser()). */
const lookups = new WeakMap<FastifyRequest, Promise<ResolvedSession | null | 'error'>>();

function tokenOf(request: FastifyRequest): string | undefined {
  const cookies = request.cookies ?? request.server.parseCookie(request.headers.cookie ?? '');
  const token = cookies[SESSION_COOKIE];
  // Our tokens are 43 base64url characters; anything else cannot match and is not worth a query.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

function lookup(request: FastifyRequest): Promise<ResolvedSession | null | 'error'> {
  let pending = lookups.get(request);
  if (!pending) {
    const token = tokenOf(request);
    pending = token
      ? resolveSession(request.server.prisma, token).catch((err: unknown) => {
          request.log.error({ err }, 'session lookup failed');
          return 'error' as const;
        })
      : Promise.resolve(null);
    lookups.set(request, pending);
  }
  return pending;
}

/**
 * The user a request's session cookie belongs to, or null. For code that runs where the hook's
 * `request.user` may not be set yet (it is for every route handler and WebSocket handler).
 */
export async function sessionUser(request: FastifyRequest): Promise<SessionUser | null> {
  const found = await lookup(request);
  return found && found !== 'error' ? { id: found.user.id, email: found.user.email, displayName: found.user.displayName } : null;
}

/**
 * Does the request come from a page of this site: does its Origin (else its Referer) name the
 * host the request was sent to? A missing port means the scheme's default on either side.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source || source === 'null') return false;
  let origin: URL;
  try {
    origin = new URL(source);
  } catch {
    return false;
  }
  const host = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(request.host);
  if (!host) return false;
  const originPort = origin.port || (origin.protocol === 'https:' ? '443' : '80');
  // A Host without a port: the origin's default (a TLS proxy may sit in front of plain http).
  return origin.hostname === host[1].toLowerCase() && originPort === (host[2] ?? originPort);
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // request.protocol follows X-Forwarded-Proto when the server trusts its proxy.
    secure: request.protocol === 'https',
    expires,
  });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
}

const sessionErrors = new WeakSet<FastifyRequest>();

export default fp(
  async (app) => {
    await app.register(cookie);
    app.decorateRequest('user', null);

    // After @fastify/cookie's own onRequest hook (registered just above), which parses cookies.
    app.addHook('onRequest', async (request, reply) => {
      const token = tokenOf(request);
      if (!token) return;
      if (UNSAFE_METHODS.has(request.method) && !sameOrigin(request)) {
        throw new errors.ForbiddenOrigin('A request that changes something must come from this site (Origin or Referer)');
      }
      const found = await lookup(request);
      if (found === 'error') {
        // The database is down: the request goes on anonymously (recognition still works);
        // routes that need the account answer 503 rather than "signed out".
        sessionErrors.add(request);
      } else if (found === null) {
        clearSessionCookie(request, reply);
      } else {
        request.user = { id: found.user.id, email: found.user.email, displayName: found.user.displayName };
        // A board socket opened by this request is registered under its account and session, so
        // that logout and account deletion can end it (realtime/account-sockets.ts).
        noteOwner(request.raw, { userId: found.user.id, sessionId: hashToken(token) });
        if (found.renewedUntil) setSessionCookie(request, reply, token, found.renewedUntil);
      }
    });

    // Sockets opened with a session that ends are ended with it (soft: some tests assemble the
    // app without the registry).
    const endSockets = (token: string) => {
      if (app.hasDecorator('accountSockets')) app.accountSockets.signedOut(hashToken(token));
    };

    app.decorate('auth', {
      async startSession(request, reply, userId) {
        const old = tokenOf(request);
        if (old) {
          await deleteSession(app.prisma, old);
          endSockets(old);
        }
        const { token, expiresAt } = await createSession(app.prisma, userId);
        setSessionCookie(request, reply, token, expiresAt);
      },
      async endSession(request, reply) {
        const token = tokenOf(request);
        if (token) {
          await deleteSession(app.prisma, token);
          endSockets(token);
        }
        clearSessionCookie(request, reply);
      },
      requireUser(request) {
        if (request.user) return request.user;
        if (sessionErrors.has(request)) throw new errors.AccountsUnavailable();
        throw new errors.Unauthorized();
      },
    } satisfies Auth);
  },
  { name: 'auth', dependencies: ['prisma'] },
);
