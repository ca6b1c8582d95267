/**
 * Outgoing mail as a service: `app.mailer`. With SMTP_URL, messages go out through nodemailer;
 * without it (the embedded default) nothing is sent, each message's link is logged at info level,
 * and the start says so once.
 *
 * Account mail is sent after the answer (`later`): a slow or failing mail server never slows a
 * request, and an answer takes as long whether or not it led to a message.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The link the message is about: what the log shows when mail is not sent. */
  link: string;
}

export interface Mailer {
  /** Whether messages really go out (SMTP_URL is set). */
  readonly sending: boolean;
  send(message: MailMessage): Promise<void>;
  /**
   * Runs `task` (which may look things up and send a message) after the current request; its
   * failure is logged, never thrown.
   */
  later(what: string, task: () => Promise<void>): void;
  /** Resolves when every task handed to `later` so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
  }
}

export interface MailerOptions {
  smtpUrl?: string;
  from: string;
}

/** Long enough for a slow mail server, short enough that a dead one does not pile up tasks. */
const SMTP_TIMEOUT_MS = 15_000;

function createMailer(opts: MailerOptions, log: FastifyBaseLogger): Mailer & { close(): void } {
  const transport = opts.smtpUrl
    ? nodemailer.createTransport(
        { url: opts.smtpUrl, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS },
        { from: opts.from },
      )
    : null;
  const pending = new Set<Promise<void>>();
  return {
    sending: transport !== null,
    async send(message) {
      if (!transport) {
        log.info({ to: message.to, subject: message.subject, link: message.link }, 'mail not sent (no SMTP_URL): its link');
        return;
      }
      await transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      log.info({ to: message.to, subject: message.subject }, 'mail sent');
    },
    later(what, task) {
      const run = task()
        .catch((err: unknown) => log.error({ err }, `${what} failed`))
        .finally(() => pending.delete(run));
      pending.add(run);
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
    close() {
      transport?.close();
    },
  };
}

export default fp<MailerOptions>(
  async (app, opts) => {
    const mailer = createMailer(opts, app.log);
    if (!mailer.sending) {
      app.log.warn('mail is not being sent (no SMTP_URL): the links of account emails are logged at info level instead');
    }
    app.decorate('mailer', mailer);
    app.addHook('onClose', async () => {
      await mailer.idle();
      mailer.close();
    });
  },
  { name: 'mailer' },
);
