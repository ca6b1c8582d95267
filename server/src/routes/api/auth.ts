/**
 * Accounts: register, log in, log out, who am I, my board name, delete my account. Registration
 * and login are rate-limited per client IP; login answers the same 401 whether the email or the
 * password is wrong. Logout and deletion end the account on its open board sockets too.
 * Registration sends the confirmation email (its links: auth-email.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  authenticate,
  createUser,
  deleteExpiredSessions,
  deleteUser,
  getUser,
  PASSWORD_MAX,
  PASSWORD_MIN,
  setDisplayName,
  weakPassword,
  type AccountUser,
} from '../../db/accounts.js';
import { ErrorResponseSchema, errors } from '../../errors.js';
import { perAddressLimit } from '../per-address-limit.js';
import { accountsErrorHandler, refuseForeignOrigin } from '../../plugins/auth.js';
import { cleanName, DISPLAY_NAME_MAX } from '../../realtime/display-name.js';
import { sendConfirmation } from './auth-email.js';

export interface AuthRoutesOptions {
  /** Register and login attempts per client IP and time window (each route counts apart). */
  rateLimit?: { max: number; timeWindow: number | string };
  /** PUBLIC_URL: the base of the links in account emails (else the request's host). */
  publicUrl?: string;
}

const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()], { description: 'The name shown on boards; null: not chosen (the board uses the name the client sends, or a generated one)' }),
  emailConfirmed: Type.Boolean({ description: 'Whether the owner followed the link of the confirmation email (the account works either way)' }),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Longer input is refused rather than cut: what is shown must be what was typed (after cleaning). */
const DisplayNameInput = Type.Union([Type.String({ maxLength: DISPLAY_NAME_MAX * 4 }), Type.Null()], {
  description: `Shown to everyone on the boards you write on. Control and bidi characters are removed and spaces collapsed; at most ${DISPLAY_NAME_MAX} characters remain; empty or null clears it.`,
});

const NoContent = Type.Null({ description: 'Done; no body' });

const toUser = (u: AccountUser) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  emailConfirmed: u.emailConfirmedAt !== null,
  createdAt: u.createdAt.toISOString(),
});

const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  // A read-only or full database is a 503 storage_unavailable here, not a 500.
  app.setErrorHandler(accountsErrorHandler);
  const limited = await perAddressLimit(app, 'attempts', { max: opts.rateLimit?.max ?? 10, timeWindow: opts.rateLimit?.timeWindow ?? '1 minute' });

  app.post(
    '/api/auth/register',
    {
      config: limited,
      schema: {
        summary: 'Create an account and sign in; a confirmation email goes to the address',
        tags: ['accounts'],
        body: Type.Object({
          email: Type.String({ format: 'email', maxLength: 254 }),
          password: Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX }),
          displayName: Type.Optional(DisplayNameInput),
        }),
        response: { 201: UserSchema, 400: ErrorResponseSchema, 409: ErrorResponseSchema, 503: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const { email, password, displayName } = request.body;
      const weak = weakPassword(password, email);
      if (weak) throw new errors.WeakPassword(weak);
      const created = await createUser(app.prisma, email, password);
      if (created === 'email_taken') throw new errors.EmailTaken();
      const user = cleanName(displayName) ? ((await setDisplayName(app.prisma, created.id, displayName ?? null)) ?? created) : created;
      await app.auth.startSession(request, reply, user.id);
      sendConfirmation(app, request, user, opts.publicUrl);
      return reply.status(201).send(toUser(user));
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: limited,
      schema: {
        summary: 'Sign in (sets the session cookie)',
        tags: ['accounts'],
        // Loose on purpose: a malformed email or a short password is a wrong credential (401), not a 400.
        body: Type.Object({
          email: Type.String({ minLength: 1, maxLength: 254 }),
          password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
        }),
        response: { 200: UserSchema, 401: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const user = await authenticate(app.prisma, request.body.email, request.body.password);
      if (!user) throw new errors.InvalidCredentials();
      await app.auth.startSession(request, reply, user.id);
      // Housekeeping where it costs nothing noticeable: one indexed delete per sign-in.
      await deleteExpiredSessions(app.prisma).catch((err: unknown) => request.log.warn({ err }, 'expired session cleanup failed'));
      return toUser(user);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { summary: 'Sign out (ends the session server-side)', tags: ['accounts'], response: { 204: NoContent } } },
    async (request, reply) => {
      await app.auth.endSession(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { schema: { summary: 'The signed-in account', tags: ['accounts'], response: { 200: UserSchema, 401: ErrorResponseSchema } } },
    async (request) => {
      const { id } = app.auth.requireUser(request);
      const user = await getUser(app.prisma, id);
      if (!user) throw new errors.Unauthorized();
      return toUser(user);
    },
  );

  app.patch(
    '/api/me',
    {
      schema: {
        summary: 'Change the signed-in account (its board name)',
        tags: ['accounts'],
        body: Type.Object({ displayName: DisplayNameInput }, { additionalProperties: false }),
        response: { 200: UserSchema, 401: ErrorResponseSchema },
      },
    },
    async (request) => {
      const { id } = app.auth.requireUser(request);
      const user = await setDisplayName(app.prisma, id, request.body.displayName);
      if (!user) throw new errors.Unauthorized();
      return toUser(user);
    },
  );

  app.delete(
    '/api/me',
    {
      schema: {
        summary: 'Delete the account with its sessions and its whole recognition history',
        tags: ['accounts'],
        response: { 204: NoContent, 401: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const { id } = app.auth.requireUser(request);
      // Its board sockets are ended and the account marked deleted first, so that no board
      // record is scheduled or written for it from now on; records already queued are dropped.
      if (app.hasDecorator('accountSockets')) app.accountSockets.accountDeleted(id);
      if (app.hasDecorator('history')) await app.history.removeAll(id);
      await deleteUser(app.prisma, id);
      await app.auth.endSession(request, reply);
      return reply.status(204).send(null);
    },
  );
};

export default authRoutes;
