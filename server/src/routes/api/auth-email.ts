/**
 * The account emails' links: confirm the address, send the confirmation again, forgot password,
 * reset password. Each is rate-limited per client IP (as register and login are); a reset link
 * works once, for an hour, and ends every session and board socket of the account when used.
 * "Forgot password" answers the same, in the same time, whether or not the address has an
 * account: the lookup and the mail happen after the answer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { confirmEmail, issueToken, lastIssued, peekToken, purgeOldTokens, resetPassword, TOKEN_TTL_MS, type TokenPurpose } from '../../db/account-tokens.js';
import { findUserByEmail, getUser, PASSWORD_MAX, PASSWORD_MIN, weakPassword, type AccountUser } from '../../db/accounts.js';
import { accountLink, confirmationMail, publicBase, resetMail } from '../../mail/account-mail.js';
import { ErrorResponseSchema, errors } from '../../errors.js';
import { perAddressLimit } from '../per-address-limit.js';
import { accountsErrorHandler, refuseForeignOrigin, tokenError } from '../../plugins/auth.js';

export interface AuthEmailRoutesOptions {
  /** Attempts per client IP and time window, each route apart (as register and login). */
  rateLimit?: { max: number; timeWindow: number | string };
  /** PUBLIC_URL: the base of the links (else the request's host). */
  publicUrl?: string;
}

/** At most one message of a kind to one address in this time, whoever asks (no mail bombing through us). */
export const MAIL_SPACING_MS = 60_000;

const NoContent = Type.Null({ description: 'Done; no body' });
/** Tokens are 43 base64url characters; anything else is answered invalid_token, not a schema error. */
const TokenInput = Type.String({ minLength: 1, maxLength: 256, description: 'The token from the link (after #confirm-email/ or #reset-password/)' });

/** The one answer of "forgot password", whatever the address. */
const FORGOT_ANSWER = {
  message: 'If an account uses this address, a link to choose a new password is on its way. It works once, within one hour.',
};

async function spacedOut(app: FastifyInstance, userId: string, purpose: TokenPurpose): Promise<boolean> {
  const last = await lastIssued(app.prisma, userId, purpose);
  return last !== null && Date.now() - last.getTime() < MAIL_SPACING_MS;
}

/**
 * Issues a confirmation token and mails its link to the user, after the current request. Soft:
 * an app assembled without the mailer (some tests) sends nothing.
 */
export function sendConfirmation(app: FastifyInstance, request: FastifyRequest, user: Pick<AccountUser, 'id' | 'email'>, publicUrl: string | undefined): void {
  if (!app.hasDecorator('mailer')) return;
  const base = publicBase(request, publicUrl);
  app.mailer.later('confirmation email', async () => {
    const { token } = await issueToken(app.prisma, user.id, 'confirm_email');
    await app.mailer.send(confirmationMail(user.email, accountLink(base, 'confirm-email', token)));
  });
}

const authEmailRoutes: FastifyPluginAsyncTypebox<AuthEmailRoutesOptions> = async (app, opts) => {
  app.setErrorHandler(accountsErrorHandler);
  if (!opts.publicUrl && app.hasDecorator('mailer') && app.mailer.sending) {
    // A client chooses its Host: a reset link it asked for someone else would point where it says.
    app.log.warn('PUBLIC_URL is not set: the links in account emails use the host each request was sent to; set it in production');
  }
  const limited = await perAddressLimit(app, 'attempts', { max: opts.rateLimit?.max ?? 10, timeWindow: opts.rateLimit?.timeWindow ?? '1 minute' });

  app.post(
    '/api/auth/confirm-email',
    {
      config: limited,
      schema: {
        summary: 'Confirm the account’s email with the token of the confirmation link (works once, within 24 hours)',
        tags: ['accounts'],
        body: Type.Object({ token: TokenInput }),
        response: { 204: NoContent, 400: ErrorResponseSchema, 410: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const result = await confirmEmail(app.prisma, request.body.token);
      if (typeof result === 'string') throw tokenError(result);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/resend-confirmation',
    {
      config: limited,
      schema: {
        summary: 'Send the confirmation email again (signed in, email not confirmed yet)',
        tags: ['accounts'],
        response: { 202: NoContent, 401: ErrorResponseSchema, 409: ErrorResponseSchema, 429: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const { id } = app.auth.requireUser(request);
      const user = await getUser(app.prisma, id);
      if (!user) throw new errors.Unauthorized();
      if (user.emailConfirmedAt) throw new errors.AlreadyConfirmed();
      if (await spacedOut(app, id, 'confirm_email')) throw new errors.RateLimited('attempts', 'a minute');
      sendConfirmation(app, request, user, opts.publicUrl);
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/api/auth/forgot-password',
    {
      config: limited,
      schema: {
        summary: 'Mail a link to choose a new password (the same answer whether or not the address has an account)',
        tags: ['accounts'],
        body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }) }),
        response: { 202: Type.Object({ message: Type.String() }), 400: ErrorResponseSchema, 429: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const base = publicBase(request, opts.publicUrl);
      const { email } = request.body;
      app.mailer.later('password reset email', async () => {
        const user = await findUserByEmail(app.prisma, email);
        // Nothing to send, or a link went to this address less than a minute ago: quietly nothing.
        if (!user || (await spacedOut(app, user.id, 'reset_password'))) return;
        const { token } = await issueToken(app.prisma, user.id, 'reset_password');
        await app.mailer.send(resetMail(user.email, accountLink(base, 'reset-password', token)));
        await purgeOldTokens(app.prisma);
      });
      return reply.status(202).send(FORGOT_ANSWER);
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: limited,
      schema: {
        summary: `Choose a new password with the token of a reset link (works once, within ${TOKEN_TTL_MS.reset_password / 60_000} minutes); ends every session and board socket of the account`,
        tags: ['accounts'],
        body: Type.Object({ token: TokenInput, password: Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX }) }),
        response: { 200: Type.Object({ email: Type.String() }), 400: ErrorResponseSchema, 410: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const { token, password } = request.body;
      // Checked before it is used, so that a refused password leaves the link usable.
      const owner = await peekToken(app.prisma, token, 'reset_password');
      if (typeof owner === 'string') throw tokenError(owner);
      const weak = weakPassword(password, owner.email);
      if (weak) throw new errors.WeakPassword(weak);
      const reset = await resetPassword(app.prisma, token, password);
      if (typeof reset === 'string') throw tokenError(reset);
      // As logout does for one session: their board sockets close with 4003 (on every node).
      if (app.hasDecorator('accountSockets')) for (const session of reset.endedSessions) app.accountSockets.signedOut(session);
      // The browser that reset it was perhaps signed in to the account: its cookie is void now.
      if (request.user?.id === reset.userId) await app.auth.endSession(request, reply);
      return { email: owner.email };
    },
  );
};

export default authEmailRoutes;
