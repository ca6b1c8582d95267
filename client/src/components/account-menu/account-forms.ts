import { msg } from '@lit/localize';
import { html, nothing } from 'lit';
import { MIN_SCORE, type Score } from './password-strength.js';

/**
 * What the dialog shows: the sign-in forms, "forgot password", a new password from a reset link,
 * the board name, or a message (e.g. the outcome of a confirmation link).
 */
export type Mode = 'login' | 'register' | 'forgot' | 'reset' | 'name' | 'message';

/** What the account dialog's form shows, and what its fields and buttons do. */
export interface FormView {
  mode: Mode;
  busy: boolean;
  /** A non-error line shown (e.g. "check your inbox"): "Send the link" is done once it says so. */
  info: string;
  /** What the email field starts with. */
  emailValue: string;
  /** What the board name field starts with. */
  displayName: string;
  /** The strength of the new password typed so far (null: empty, or not scored yet). */
  score: Score | null;
  /** The two new passwords differ. */
  mismatch: boolean;
  onNewPasswordInput(): void;
  switchMode(mode: Mode): void;
  /** Closes the dialog (Cancel, Close). */
  close(): void;
}

/** The dialog's heading. */
export function formTitle(mode: Mode): string {
  switch (mode) {
    case 'register':
      return msg('Create an account');
    case 'login':
      return msg('Log in');
    case 'forgot':
      return msg('Forgot your password?');
    case 'reset':
      return msg('Choose a new password');
    case 'name':
      return msg('Your board name');
    case 'message':
      return msg('Your email');
  }
}

/** The fields of the form, with a line on what it is for. */
export function formFields(view: FormView) {
  const emailField = html`<label
    >${msg('Email')}
    <input name="email" type="email" autocomplete="email" required data-testid="email" aria-describedby="auth-error" .value=${view.emailValue}
  /></label>`;
  switch (view.mode) {
    case 'login':
      return html`<p class="hint">${msg('Log in to keep the numbers you write in your history.')}</p>
        ${emailField}
        <label
          >${msg('Password')}
          <input name="password" type="password" autocomplete="current-password" required data-testid="password" aria-describedby="auth-error"
        /></label>`;
    case 'register':
      return html`<p class="hint">${msg('With an account, every number you write on a board is kept in your history.')}</p>
        ${emailField} ${newPassword(view)}`;
    case 'forgot':
      return html`<p class="hint">${msg('Enter the email of your account: we will send it a link to choose a new password.')}</p>
        ${emailField}`;
    case 'reset':
      return newPassword(view);
    case 'name':
      return html`<p class="hint">${msg('Everyone on the boards you write on sees this name. Leave it empty to use a made-up one.')}</p>
        <label
          >${msg('Board name')}
          <input name="displayName" type="text" maxlength="40" autocomplete="nickname" data-testid="display-name" .value=${view.displayName}
        /></label>`;
    case 'message':
      return nothing;
  }
}

/** The new password, typed twice, with its strength as it is typed. */
function newPassword(view: FormView) {
  const labels: Record<Score, string> = {
    0: msg('Strength: very weak'),
    1: msg('Strength: weak'),
    2: msg('Strength: fair'),
    3: msg('Strength: good'),
    4: msg('Strength: strong'),
  };
  return html`<label
      >${view.mode === 'reset' ? msg('New password') : msg('Password')}
      <input
        name="password"
        type="password"
        autocomplete="new-password"
        required
        minlength="8"
        data-testid="password"
        aria-describedby="password-rule password-strength auth-error"
        @input=${() => view.onNewPasswordInput()}
    /></label>
    <small id="password-rule">${msg('At least 8 characters. Several unrelated words make a strong password.')}</small>
    <meter min="0" max="4" low="2" high="3" optimum="4" .value=${view.score ?? 0} aria-hidden="true"></meter>
    <small id="password-strength" class=${view.score !== null && view.score < MIN_SCORE ? 'error' : ''} aria-live="polite" data-testid="password-strength"
      >${view.score === null ? '' : labels[view.score]}${view.score !== null && view.score < MIN_SCORE ? ` ${msg('(too easy to guess)')}` : ''}</small
    >
    <label
      >${msg('Password again')}
      <input
        name="password2"
        type="password"
        autocomplete="new-password"
        required
        data-testid="password-again"
        aria-invalid=${view.mismatch ? 'true' : 'false'}
        aria-describedby="password-mismatch"
        @input=${() => view.onNewPasswordInput()}
    /></label>
    <small id="password-mismatch" class="error" aria-live="polite" data-testid="password-mismatch">${view.mismatch ? msg('The two passwords are not the same.') : ''}</small>`;
}

/** Submit, Cancel, and the links to the other forms. */
export function formButtons(view: FormView) {
  const cancel = html`<button type="button" data-testid="cancel-auth" @click=${() => view.close()}>${msg('Cancel')}</button>`;
  switch (view.mode) {
    case 'login':
      return html`<button type="submit" class="primary" data-testid="submit-auth" ?disabled=${view.busy}>${msg('Log in')}</button>
        ${cancel}
        <span class="links">
          <button type="button" class="link" data-testid="forgot-password" @click=${() => view.switchMode('forgot')}>${msg('Forgot password?')}</button>
          <button type="button" class="link" @click=${() => view.switchMode('register')}>${msg('Create an account')}</button>
        </span>`;
    case 'register':
      return html`<button type="submit" class="primary" data-testid="submit-auth" ?disabled=${view.busy}>${msg('Register')}</button>
        ${cancel}
        <span class="links"><button type="button" class="link" @click=${() => view.switchMode('login')}>${msg('I have an account')}</button></span>`;
    case 'forgot':
      return html`<button type="submit" class="primary" data-testid="submit-auth" ?disabled=${view.busy || view.info !== ''}>${msg('Send the link')}</button>
        ${cancel}
        <span class="links"><button type="button" class="link" @click=${() => view.switchMode('login')}>${msg('Back to log in')}</button></span>`;
    case 'reset':
      return html`<button type="submit" class="primary" data-testid="submit-auth" ?disabled=${view.busy}>${msg('Set the new password')}</button> ${cancel}`;
    case 'name':
      return html`<button type="submit" class="primary" data-testid="submit-auth" ?disabled=${view.busy}>${msg('Save')}</button> ${cancel}`;
    case 'message':
      return html`<button type="button" class="primary" data-testid="close-message" @click=${() => view.close()}>${msg('Close')}</button>`;
  }
}
