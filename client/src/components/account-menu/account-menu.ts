import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { ErrorCode } from '../../../../common/error-codes.js';
import {
  confirmEmail,
  fetchMe,
  forgotPassword,
  login,
  logout,
  register,
  resendConfirmation,
  resetPassword,
  setDisplayName,
  type User,
} from '../../api/account-api.js';
import { ApiError, describeError } from '../../api/api-request.js';
import { accountLinkFromHash } from '../../router.js';
import { describeAccountError } from './account-errors.js';
import { formProblem } from './account-form-check.js';
import { formButtons, formFields, formTitle, type FormView, type Mode } from './account-forms.js';
import { styles } from './account-menu.styles.js';
import { passwordScore, preloadStrength, type Score } from './password-strength.js';

/**
 * The account control of the header: "Log in" / "Register" (a modal form) when signed out; the
 * email, the board name, "History" and "Log out" when signed in, with a notice until the email
 * is confirmed. Follows the links of account emails (#confirm-email/..., #reset-password/...).
 * Asks the server who is signed in when it connects, and says so with `account-change` then and
 * after each log in and log out.
 *
 * @fires account-change - CustomEvent<AccountChange>
 * @fires open-history - the user asked for their history
 */
@customElement('account-menu')
export class AccountMenu extends LitElement {
  static override styles = styles;

  /** undefined until the server has said. */
  @state() private user: User | null | undefined = undefined;
  @state() private mode: Mode = 'login';
  @state() private error = '';
  /** A non-error line in the dialog (e.g. "check your inbox"). */
  @state() private info = '';
  @state() private busy = false;
  /** The strength of the new password typed so far (null: empty, or not scored yet). */
  @state() private score: Score | null = null;
  /** The two new passwords differ (shown as soon as the second is typed). */
  @state() private mismatch = false;
  /** The outcome of "send again", beside the notice. */
  @state() private resent = '';

  /** The token of the reset link being used. */
  private resetToken = '';
  /** What the email field starts with (after a reset: the account's address). */
  private emailValue = '';

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('form') private form!: HTMLFormElement;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
  }

  private async load(): Promise<void> {
    try {
      this.setUser(await fetchMe(), 'load');
    } catch {
      // The server is unreachable: stay signed out here; the board still works without an account.
      this.setUser(null, 'load');
    }
    await this.updateComplete;
    this.followLink();
  }

  private readonly onHashChange = () => {
    if (this.user !== undefined) this.followLink();
  };

  /** Acts on an account email's link in the address, and takes the token out of it. */
  private followLink(): void {
    const route = accountLinkFromHash(location.hash);
    if (!route) return;
    history.replaceState(history.state, '', location.pathname + location.search);
    if (route.kind === 'confirm-email') void this.confirm(route.token);
    else this.open('reset', route.token);
  }

  private setUser(user: User | null, reason: AccountChange['reason']): void {
    this.user = user;
    this.dispatchEvent(new CustomEvent<AccountChange>('account-change', { detail: { user, reason }, bubbles: true, composed: true }));
  }

  override render() {
    const user = this.user;
    if (user === undefined) return nothing;
    return html`
      ${user
        ? html`<span class="email" data-testid="account-email" title=${msg('Signed in')}>${user.email}</span>
            <button type="button" data-testid="edit-name" @click=${() => this.open('name')}>
              ${user.displayName ? msg(str`Board name: ${user.displayName}`) : msg('Choose a board name')}
            </button>
            <button type="button" data-testid="open-history" @click=${this.openHistory}>${msg('History')}</button>
            <button type="button" data-testid="logout" ?disabled=${this.busy} @click=${this.logOut}>${msg('Log out')}</button>
            ${user.emailConfirmed ? nothing : this.renderConfirmNotice()}`
        : html`<button type="button" data-testid="login" @click=${() => this.open('login')}>${msg('Log in')}</button>
            <button type="button" data-testid="register" @click=${() => this.open('register')}>${msg('Register')}</button>`}
      ${this.error && user && !this.dialog?.open ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      ${this.renderDialog()}
    `;
  }

  private renderConfirmNotice() {
    return html`<p class="notice" data-testid="confirm-notice" role="status">
      ${msg('Confirm your email: open the link we sent you.')}
      <button type="button" class="link" data-testid="resend-confirmation" ?disabled=${this.busy} @click=${this.resend}>${msg('Send it again')}</button>
      ${this.resent ? html`<span data-testid="resend-result">${this.resent}</span>` : nothing}
    </p>`;
  }

  private renderDialog() {
    const view: FormView = {
      mode: this.mode,
      busy: this.busy,
      info: this.info,
      emailValue: this.emailValue,
      displayName: this.user?.displayName ?? '',
      score: this.score,
      mismatch: this.mismatch,
      onNewPasswordInput: () => void this.onNewPasswordInput(),
      switchMode: (mode) => this.switchMode(mode),
      close: () => this.dialog.close(),
    };
    return html`<dialog aria-labelledby="auth-title" @close=${this.onDialogClose}>
      <form @submit=${this.onSubmit} novalidate>
        <h2 id="auth-title">${formTitle(this.mode)}</h2>
        ${formFields(view)}
        <p id="auth-info" class="info" role="status" data-testid="auth-info">${this.info}</p>
        <p id="auth-error" class="error" role="alert" data-testid="auth-error">${this.error}</p>
        <div class="buttons">${formButtons(view)}</div>
      </form>
    </dialog>`;
  }

  private open(mode: Mode, token = ''): void {
    this.switchMode(mode);
    this.resetToken = token;
    if (!this.dialog.open) this.dialog.showModal();
    void this.updateComplete.then(() => this.form.querySelector<HTMLInputElement>('input')?.focus());
  }

  private switchMode(mode: Mode): void {
    // The form is cleared between modes: a password typed for one never goes to another.
    this.form?.reset();
    this.mode = mode;
    this.error = '';
    this.info = '';
    this.score = null;
    this.mismatch = false;
    if (mode === 'register' || mode === 'reset') preloadStrength();
  }

  private onDialogClose(): void {
    this.error = '';
    this.info = '';
    this.busy = false;
    this.emailValue = '';
    this.form.reset();
  }

  private async onNewPasswordInput(): Promise<void> {
    const data = new FormData(this.form);
    const password = String(data.get('password') ?? '');
    const again = String(data.get('password2') ?? '');
    this.mismatch = again !== '' && again !== password;
    if (!password) {
      this.score = null;
      return;
    }
    const email = String(data.get('email') ?? '') || (this.mode === 'reset' ? '' : this.user?.email ?? '');
    try {
      const score = await passwordScore(password, email);
      // A later keystroke may have answered first.
      if (String(new FormData(this.form).get('password') ?? '') === password) this.score = score;
    } catch {
      this.score = null;
    }
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const again = String(data.get('password2') ?? '');
    const emailInput = form.elements.namedItem('email') as HTMLInputElement | null;
    const problem = formProblem(this.mode, { email, password, again, emailValid: () => !!emailInput?.checkValidity() });
    if (problem) {
      if (problem.mismatch) this.mismatch = true;
      this.error = problem.error;
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await this.submit(this.mode, { email, password, displayName: String(data.get('displayName') ?? '') });
    } catch (error) {
      this.error = describeAccountError(error);
    } finally {
      this.busy = false;
    }
  }

  private async submit(mode: Mode, input: { email: string; password: string; displayName: string }): Promise<void> {
    switch (mode) {
      case 'login':
      case 'register': {
        const user = await (mode === 'register' ? register(input) : login(input));
        this.dialog.close();
        this.setUser(user, 'login');
        return;
      }
      case 'forgot':
        await forgotPassword(input.email);
        // The server's answer is the same for every address; so is ours.
        this.info = msg('If an account uses this address, a link to choose a new password is on its way. It works once, within one hour.');
        return;
      case 'reset': {
        const { email } = await resetPassword(this.resetToken, input.password);
        // Every session of the account ended, this browser's too if it was signed in to it.
        if (this.user && this.user.email === email) this.setUser(null, 'logout');
        this.switchMode('login');
        this.emailValue = email;
        this.info = msg('Your password is changed, and the account is signed out everywhere. Log in with the new password.');
        await this.updateComplete;
        this.form.querySelector<HTMLInputElement>('input[name=password]')?.focus();
        return;
      }
      case 'name': {
        const user = await setDisplayName(input.displayName.trim() || null);
        this.user = user;
        this.dialog.close();
        return;
      }
      case 'message':
        return;
    }
  }


  /** Uses a confirmation link, and says how it went. */
  private async confirm(token: string): Promise<void> {
    this.open('message');
    this.busy = true;
    this.info = msg('Confirming your email…');
    try {
      await confirmEmail(token);
      this.info = msg('Your email is confirmed. Thank you.');
      if (this.user) this.user = (await fetchMe()) ?? this.user;
    } catch (error) {
      this.info = '';
      this.error = describeAccountError(error);
    } finally {
      this.busy = false;
    }
  }

  private async resend(): Promise<void> {
    this.busy = true;
    this.resent = '';
    try {
      await resendConfirmation();
      this.resent = msg('Sent: check your inbox.');
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCode.alreadyConfirmed) {
        this.user = (await fetchMe()) ?? this.user;
      } else {
        this.resent = describeAccountError(error);
      }
    } finally {
      this.busy = false;
    }
  }

  private openHistory(): void {
    this.dispatchEvent(new CustomEvent('open-history', { bubbles: true, composed: true }));
  }

  private async logOut(): Promise<void> {
    this.busy = true;
    this.error = '';
    this.resent = '';
    try {
      await logout();
      this.setUser(null, 'logout');
    } catch (error) {
      this.error = msg(str`Could not log out: ${describeError(error)}`);
    } finally {
      this.busy = false;
    }
  }
}

/** Who is signed in now, and why we are telling. */
export interface AccountChange {
  user: User | null;
  reason: 'load' | 'login' | 'logout';
}

declare global {
  interface HTMLElementTagNameMap {
    'account-menu': AccountMenu;
  }
  interface HTMLElementEventMap {
    'account-change': CustomEvent<AccountChange>;
    'open-history': CustomEvent<void>;
  }
}
