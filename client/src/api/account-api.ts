import { apiRequest, ApiError } from './api-request.js';

/** The signed-in account, as GET /api/me gives it. */
export interface User {
  id: string;
  email: string;
  /** The name shown on boards; null: not chosen. */
  displayName: string | null;
  /** Whether the confirmation link was followed (the account works either way). */
  emailConfirmed: boolean;
  createdAt: string;
}

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Whether this browser signed in here and has not signed out since (localStorage). The session
 * cookie is HttpOnly, so the page cannot see it: without this hint every visit of a signed-out
 * writer would ask GET /api/me and get a 401, which browsers log as an error in the console.
 */
const SIGNED_IN_KEY = 'digitboard.signed-in';

function signedInHere(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) !== null;
  } catch {
    // No storage: ask the server every time.
    return true;
  }
}

function noteSignedIn(on: boolean): void {
  try {
    if (on) localStorage.setItem(SIGNED_IN_KEY, '1');
    else localStorage.removeItem(SIGNED_IN_KEY);
  } catch {
    // As above.
  }
}

/** The signed-in user, or null when signed out (a 401, or never signed in from this browser: then nothing is asked). */
export async function fetchMe(): Promise<User | null> {
  if (!signedInHere()) return null;
  try {
    const user = await apiRequest<User>('GET', '/api/me');
    noteSignedIn(true);
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      noteSignedIn(false);
      return null;
    }
    throw error;
  }
}

async function signingIn(request: Promise<User>): Promise<User> {
  const user = await request;
  noteSignedIn(true);
  return user;
}

export const register = (credentials: Credentials): Promise<User> => signingIn(apiRequest<User>('POST', '/api/auth/register', credentials));
export const login = (credentials: Credentials): Promise<User> => signingIn(apiRequest<User>('POST', '/api/auth/login', credentials));
export const logout = async (): Promise<void> => {
  await apiRequest<void>('POST', '/api/auth/logout');
  noteSignedIn(false);
};
/** Sets (or, with null or blank, clears) the name shown on boards. */
export const setDisplayName = (displayName: string | null): Promise<User> => apiRequest<User>('PATCH', '/api/me', { displayName });

/** Uses the token of a confirmation link. */
export const confirmEmail = (token: string): Promise<void> => apiRequest<void>('POST', '/api/auth/confirm-email', { token });
/** Mails the confirmation link again (signed in). */
export const resendConfirmation = (): Promise<void> => apiRequest<void>('POST', '/api/auth/resend-confirmation');
/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export const forgotPassword = (email: string): Promise<void> => apiRequest<void>('POST', '/api/auth/forgot-password', { email });
/** Sets a new password with the token of a reset link; answers the account's email. */
export const resetPassword = (token: string, password: string): Promise<{ email: string }> =>
  apiRequest<{ email: string }>('POST', '/api/auth/reset-password', { token, password });
