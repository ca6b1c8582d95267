import { msg } from '@lit/localize';
import type { Mode } from './account-forms.js';

/** The account form's fields as typed. */
export interface FormInput {
  /** Trimmed. */
  email: string;
  password: string;
  /** The new password typed again. */
  again: string;
  /** The browser's own check of the email field (an input of type email); asked only for a form that sends an address to write to. */
  emailValid(): boolean;
}

/** The least length of a new password, as on the server. */
const MIN_PASSWORD_LENGTH = 8;

/**
 * What is wrong with the form, if anything, before it goes to the server: the first problem, and
 * whether it is that the two new passwords differ. The server checks too; saying it here spares a
 * round trip and reads better than a schema message.
 */
export function formProblem(mode: Mode, input: FormInput): { error: string; mismatch: boolean } | undefined {
  const { email, password, again } = input;
  if (mode === 'login' || mode === 'register') {
    if (!email || !password) return { error: msg('Enter your email and password.'), mismatch: false };
  }
  if ((mode === 'register' || mode === 'forgot') && (!email || !input.emailValid())) {
    return { error: msg('That email address does not look right.'), mismatch: false };
  }
  if (mode === 'register' || mode === 'reset') {
    if (password.length < MIN_PASSWORD_LENGTH) return { error: msg('The password needs at least 8 characters.'), mismatch: false };
    if (password !== again) return { error: msg('The two passwords are not the same.'), mismatch: true };
  }
  return undefined;
}
