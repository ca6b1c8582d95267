import { apiRequest, ApiError } from './api-request.js';

/** The signed-in account, as GET /api/me gives it. */
export interface User {
  id: string;
  email: string;
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
