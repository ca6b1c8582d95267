/**
 * The account emails and their links. A link carries its token in the URL's fragment
 * (https://site/#reset-password/<token>): browsers do not send a fragment to the server, in the
 * Referer or in proxies' logs, and a mail scanner that fetches the link cannot use it up; the
 * page reads it and posts it (client/src/components/account-menu/account-route.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { MailMessage } from './mailer.js';

export type AccountLink = 'confirm-email' | 'reset-password';

/**
 * The site's address: PUBLIC_URL when set, else the scheme and host the request came to (what
 * the user's browser showed, if the request came from it).
 */
export function publicBase(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

export function accountLink(base: string, kind: AccountLink, token: string): string {
  return `${base}/#${kind}/${token}`;
}

export function confirmationMail(to: string, link: string): MailMessage {
  return {
    to,
    link,
    subject: 'Confirm your email for Digitboard',
    text: [
      'Welcome to Digitboard.',
      '',
      'To confirm that this address is yours, open this link within 24 hours:',
      '',
      link,
      '',
      'Your account works meanwhile. If you did not create it, ignore this message.',
    ].join('\n'),
  };
}

export function resetMail(to: string, link: string): MailMessage {
  return {
    to,
    link,
    subject: 'Reset your Digitboard password',
    text: [
      'Someone (we hope you) asked to reset the password of the Digitboard account of this address.',
      '',
      'To choose a new password, open this link within one hour. It works once:',
      '',
      link,
      '',
      'Choosing a new password signs the account out everywhere. If you did not ask, ignore this',
      'message: your password stays as it is.',
    ].join('\n'),
  };
}
