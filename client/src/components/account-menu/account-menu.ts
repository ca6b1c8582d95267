import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { fetchMe, login, logout, register, type User } from '../../api/account-api.js';
import { describeError } from '../../api/api-request.js';
import { styles } from './account-menu.styles.js';

type Mode = 'login' | 'register';

/**
 * The account control of the header: "Log in" / "Register" (a modal form) when signed out; the
 * email, "History" and "Log out" when signed in. Asks the server who is signed in when it
 * connects, and says so with `account-change` then and after each log in and log out.
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
  @state() private busy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name=email]') private emailInput!: HTMLInputElement;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.setUser(await fetchMe(), 'load');
    } catch {
      // The server is unreachable: stay signed out here; the board still works without an account.
      this.setUser(null, 'load');
    }
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
            <button type="button" class="secondary" data-testid="open-history" @click=${this.openHistory}>${msg('History')}</button>
            <button type="button" class="secondary" data-testid="logout" ?disabled=${this.busy} @click=${this.logOut}>${msg('Log out')}</button>`
        : html`<button type="button" class="secondary" data-testid="login" @click=${() => this.open('login')}>${msg('Log in')}</button>
            <button type="button" class="secondary" data-testid="register" @click=${() => this.open('register')}>${msg('Register')}</button>`}
      ${this.error && user ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      ${this.renderDialog()}
    `;
  }

  private renderDialog() {
    const registering = this.mode === 'register';
    const title = registering ? msg('Create an account') : msg('Log in');
    return html`<dialog aria-labelledby="auth-title" @close=${this.onDialogClose}>
      <form @submit=${this.onSubmit} novalidate>
        <h2 id="auth-title">${title}</h2>
        <p class="hint">
          ${registering
            ? msg('With an account, every number you write on a board is kept in your history.')
            : msg('Log in to keep the numbers you write in your history.')}
        </p>
        <label
          >${msg('Email')}
          <input name="email" type="email" autocomplete="email" required data-testid="email" aria-describedby="auth-error"
        /></label>
        <label
          >${msg('Password')}
          <input
            name="password"
            type="password"
            autocomplete=${registering ? 'new-password' : 'current-password'}
            required
            minlength=${registering ? 8 : 1}
            data-testid="password"
            aria-describedby=${registering ? 'password-rule auth-error' : 'auth-error'}
          />
        </label>
        ${registering ? html`<small id="password-rule">${msg('At least 8 characters.')}</small>` : nothing}
        <p id="auth-error" class="error" role="alert" data-testid="auth-error">${this.error}</p>
        <div class="buttons">
          <button type="submit" data-testid="submit-auth" ?disabled=${this.busy}>${registering ? msg('Register') : msg('Log in')}</button>
          <button type="button" class="secondary" @click=${() => this.dialog.close()}>${msg('Cancel')}</button>
          <button type="button" class="link" @click=${() => this.switchMode(registering ? 'login' : 'register')}>
            ${registering ? msg('I have an account') : msg('Create an account')}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  private open(mode: Mode): void {
    this.mode = mode;
    this.error = '';
    this.dialog.showModal();
    this.emailInput.focus();
  }

  private switchMode(mode: Mode): void {
    this.mode = mode;
    this.error = '';
  }

  private onDialogClose(): void {
    this.error = '';
    this.busy = false;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    // The server checks too; saying it here spares a round trip and reads better than a schema message.
    if (!email || !password) {
      this.error = msg('Enter your email and password.');
      return;
    }
    if (this.mode === 'register' && !(form.elements.namedItem('email') as HTMLInputElement).checkValidity()) {
      this.error = msg('That email address does not look right.');
      return;
    }
    if (this.mode === 'register' && password.length < 8) {
      this.error = msg('The password needs at least 8 characters.');
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const user = await (this.mode === 'register' ? register({ email, password }) : login({ email, password }));
      form.reset();
      this.dialog.close();
      this.setUser(user, 'login');
    } catch (error) {
      this.error = describeError(error);
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
    try {
      await logout();
      this.setUser(null, 'logout');
    } catch (error) {
      this.error = `Could not log out: ${describeError(error)}`;
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
