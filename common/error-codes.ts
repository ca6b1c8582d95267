/**
 * Every coded error of Digitboard, in one list that the HTTP API, the WebSocket protocol and the
 * web client share (free of dependencies: the browser bundle imports it). Each has a stable
 * `code` that clients may branch on; HTTP errors also have their `status` and `message` (`%s`
 * is filled in where the error is raised, by @fastify/error's util.format). WebSocket errors
 * (`{type: 'error', code, message}`) write their message where they happen, about the case at hand.
 * Fatal WebSocket refusals are close codes instead: `CloseCode` in protocol-constants.ts.
 */
export interface CodedError {
  readonly code: string;
  /** The HTTP status, for errors the REST API returns. */
  readonly status?: number;
  /** The HTTP message (a util.format template). */
  readonly message?: string;
}

export const ERRORS = {
  // Requests of any route.
  invalidRequest: { code: 'invalid_request', status: 400, message: '%s' },
  invalidJson: { code: 'invalid_json', status: 400, message: '%s' },
  unsupportedMediaType: { code: 'unsupported_media_type', status: 415, message: '%s' },
  bodyTooLarge: { code: 'body_too_large', status: 413, message: '%s' },
  /** REST: what was limited, then when to retry ("requests", "in 1 minute"). WebSocket: messages or points too fast. */
  rateLimited: { code: 'rate_limited', status: 429, message: 'Too many %s; retry in %s' },
  internalError: { code: 'internal_error', status: 500, message: 'Something went wrong on our side; the error has been logged.' },

  // Recognition (POST /api/recognize), ink or image.
  modelNotReady: { code: 'model_not_ready', status: 503, message: 'The model is still loading' },
  /** REST: a request with too many points. WebSocket: a stroke or a board past its limits. */
  tooMuchInk: { code: 'too_much_ink', status: 400, message: '%s' },
  unsupportedImage: { code: 'unsupported_image', status: 415, message: '%s' },
  corruptImage: { code: 'corrupt_image', status: 400, message: '%s' },
  imageTooLarge: { code: 'image_too_large', status: 413, message: '%s' },
  tooManyDigits: { code: 'too_many_digits', status: 422, message: '%s' },
  /** A multipart upload with more than one file: one image per request. */
  tooManyFiles: { code: 'too_many_files', status: 400, message: '%s' },

  // Shared boards (GET /api/rooms/:id/export).
  /** A stored board over the server's size limit (BOARD_MAX_FILE_BYTES): not opened. WebSocket: close code 4012. */
  boardTooLarge: { code: 'board_too_large', status: 422, message: '%s' },

  // Recognition history.
  notFound: { code: 'not_found', status: 404, message: 'No such recognition' },
  invalidCursor: { code: 'invalid_cursor', status: 400, message: 'The cursor is not one this server gave out' },

  // Accounts.
  unauthorized: { code: 'unauthorized', status: 401, message: 'Sign in first' },
  invalidCredentials: { code: 'invalid_credentials', status: 401, message: 'Wrong email or password' },
  emailTaken: { code: 'email_taken', status: 409, message: 'An account with this email already exists' },
  weakPassword: { code: 'weak_password', status: 400, message: '%s' },
  /** A state change (or a WebSocket upgrade) from another site. */
  forbiddenOrigin: { code: 'forbidden_origin', status: 403, message: '%s' },
  accountsUnavailable: { code: 'accounts_unavailable', status: 503, message: 'Accounts are unavailable right now; try again shortly' },
  /** The database refuses writes (read-only, full disk) or cannot be reached: nothing can be saved. */
  storageUnavailable: {
    code: 'storage_unavailable',
    status: 503,
    message: 'Accounts cannot be saved right now (the database refuses writes); try again later',
  },
  // The links of account emails.
  invalidToken: { code: 'invalid_token', status: 400, message: 'This link is not valid (it may have been cut short); ask for a new one' },
  tokenUsed: { code: 'token_used', status: 410, message: 'This link has already been used; ask for a new one if you need it' },
  tokenExpired: { code: 'token_expired', status: 410, message: 'This link has expired; ask for a new one' },
  alreadyConfirmed: { code: 'already_confirmed', status: 409, message: 'Your email is already confirmed' },

  // WebSocket only: `{type: 'error'}` messages on a board (recoverable; the connection stays).
  badJson: { code: 'bad_json' },
  /** Not a message of the protocol: invalid JSON shape, or a binary frame. */
  badMessage: { code: 'bad_message' },
  unknownStroke: { code: 'unknown_stroke' },
  duplicateStroke: { code: 'duplicate_stroke' },
  nothingToUndo: { code: 'nothing_to_undo' },
  recognitionFailed: { code: 'recognition_failed' },
  storageFailed: { code: 'storage_failed' },
  /** A correction names a number that is not on the board with those strokes (any more). */
  unknownGroup: { code: 'unknown_group' },
} as const satisfies Record<string, CodedError>;

type Errors = typeof ERRORS;

/** The codes by name: `ErrorCode.badMessage` is 'bad_message'. What senders write and clients compare with. */
export const ErrorCode = Object.fromEntries(Object.entries(ERRORS).map(([name, { code }]) => [name, code])) as {
  readonly [Name in keyof Errors]: Errors[Name]['code'];
};
export type ErrorCode = Errors[keyof Errors]['code'];
