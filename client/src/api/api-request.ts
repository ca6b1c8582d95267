/** An HTTP error from our API, with its stable `code` and the server's `message` for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
}

/**
 * Calls our API (same origin, so the session cookie and, for state changes, the Origin header
 * the server's CSRF check wants go along). Resolves to the JSON body, or undefined for 204;
 * rejects with an ApiError for a 4xx/5xx and with a TypeError when the network fails.
 */
export async function apiRequest<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readResponse<T>(response);
}

/** The JSON body of one of our API's answers; rejects with an ApiError for a 4xx/5xx. */
export async function readResponse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as ErrorBody;
    const message = typeof error.message === 'string' ? error.message : `The server answered ${response.status}`;
    throw new ApiError(response.status, typeof error.code === 'string' ? error.code : 'error', message);
  }
  return parsed as T;
}

/** A sentence for people from any failure of apiRequest. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
