/**
 * @accounts: register (the password twice, its strength shown as typed), receive the confirmation
 * email through a real SMTP server on loopback, follow its link, forget the password, receive the
 * reset email, choose a new password, log in with it. The server is this file's own (the built
 * one, with SMTP_URL pointing at the test's SMTP server, and a temporary DATA_DIR).
 */
import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../server/cluster/ports.js';
import { startSmtpSink, type SmtpSink } from '../server/test/mail/smtp-sink.js';
import { failOnPageErrors } from './board.js';

failOnPageErrors(test);
test.setTimeout(90_000);


let smtp: SmtpSink;
let server: ChildProcess;
let baseURL: string;
const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-e2e-accounts-'));

test.beforeAll(async () => {
  smtp = await startSmtpSink();
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['dist/server/src/server.js'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SMTP_URL: smtp.url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await expect
    .poll(async () => (await fetch(`${baseURL}/api/health`).catch(() => undefined))?.ok ?? false, { timeout: 30_000 })
    .toBe(true);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'violet tundra marmalade';

async function openApp(page: Page, url = `${baseURL}/`): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
}

test('@accounts register, confirm by email, forget the password, reset it, log in with the new one', async ({ page }) => {
  const email = `e2e-accounts-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await openApp(page);

  // Register: the password twice, its strength as it is typed, a mismatch said before submitting.
  await page.getByTestId('register').click();
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill('password1');
  await expect(page.getByTestId('password-strength')).toContainText('(too easy to guess)');
  await page.getByTestId('password').fill(OLD_PASSWORD);
  await expect(page.getByTestId('password-strength')).not.toContainText('too easy');
  await expect(page.getByTestId('password-strength')).toHaveText(/^Strength: (fair|good|strong)$/);
  await page.getByTestId('password-again').fill('correct horse');
  await expect(page.getByTestId('password-mismatch')).toHaveText('The two passwords are not the same.');
  await page.getByTestId('password-again').fill(OLD_PASSWORD);
  await expect(page.getByTestId('password-mismatch')).toHaveText('');
  await page.getByTestId('password-again').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('confirm-notice')).toBeVisible();

  // The confirmation arrives at the SMTP server; its link confirms the address.
  const confirmation = await smtp.next(email);
  expect(confirmation.subject).toBe('Confirm your email for Digitboard');
  expect(confirmation.link).toMatch(new RegExp(`^${baseURL}/#confirm-email/[\\w-]{43}$`));
  await openApp(page, confirmation.link);
  await expect(page.getByTestId('auth-info')).toHaveText('Your email is confirmed. Thank you.');
  // The token left the address bar.
  expect(new URL(page.url()).hash).toBe('');
  await page.getByTestId('close-message').click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('confirm-notice')).toHaveCount(0);

  // Signed out, the password is forgotten.
  await page.getByTestId('logout').click();
  await page.getByTestId('login').click();
  await page.getByTestId('forgot-password').click();
  await page.getByTestId('email').fill(email);
  await page.getByTestId('submit-auth').click();
  await expect(page.getByTestId('auth-info')).toContainText('If an account uses this address');
  await page.getByTestId('cancel-auth').click();

  const reset = await smtp.next(email);
  expect(reset.subject).toBe('Reset your Digitboard password');
  await openApp(page, reset.link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByTestId('password').fill(NEW_PASSWORD);
  await page.getByTestId('password-again').fill(NEW_PASSWORD);
  await page.getByTestId('submit-auth').click();
  await expect(page.getByTestId('auth-info')).toContainText('Your password is changed');

  // The log-in form follows, with the address filled in: the old password is refused, the new one works.
  await expect(page.getByTestId('email')).toHaveValue(email);
  await page.getByTestId('password').fill(OLD_PASSWORD);
  await page.getByTestId('submit-auth').click();
  await expect(page.getByTestId('auth-error')).toHaveText('Wrong email or password');
  await page.getByTestId('password').fill(NEW_PASSWORD);
  await page.getByTestId('password').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);

  // The reset link works once.
  await page.getByTestId('logout').click();
  await openApp(page, reset.link);
  await page.getByTestId('password').fill('another fine passphrase');
  await page.getByTestId('password-again').fill('another fine passphrase');
  await page.getByTestId('submit-auth').click();
  await expect(page.getByTestId('auth-error')).toHaveText('This link has already been used. Ask for a new one if you need it.');
});
