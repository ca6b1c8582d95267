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

/** The signed-in user, or null when signed out (a 401). */
export async function fetchMe(): Promise<User | null> {
  try {
    return await apiRequest<User>('GET', '/api/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const register = (credentials: Credentials): Promise<User> => apiRequest<User>('POST', '/api/auth/register', credentials);
export const login = (credentials: Credentials): Promise<User> => apiRequest<User>('POST', '/api/auth/login', credentials);
export const logout = (): Promise<void> => apiRequest<void>('POST', '/api/auth/logout');
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
