/**
 * Every HTTP error the API returns on purpose, as @fastify/error classes built from the one list
 * of coded errors (common/error-codes.ts), and the shape of their response body.
 */
import createError from '@fastify/error';
import { Type } from '@sinclair/typebox';
import { ERRORS } from '../../common/error-codes.js';

/** The error class of one HTTP entry of the list: its code, message template and status. */
const httpError = <C extends string>({ code, message, status }: { code: C; message: string; status: number }) => createError(code, message, status);

export const errors = {
  InvalidRequest: httpError(ERRORS.invalidRequest),
  UnsupportedMediaType: httpError(ERRORS.unsupportedMediaType),
  BodyTooLarge: httpError(ERRORS.bodyTooLarge),
  /** new RateLimited(what, when): "Too many requests; retry in 1 minute". */
  RateLimited: httpError(ERRORS.rateLimited),
  // Recognition (POST /api/recognize), ink or image.
  ModelNotReady: httpError(ERRORS.modelNotReady),
  TooMuchInk: httpError(ERRORS.tooMuchInk),
  UnsupportedImage: httpError(ERRORS.unsupportedImage),
  CorruptImage: httpError(ERRORS.corruptImage),
  ImageTooLarge: httpError(ERRORS.imageTooLarge),
  TooManyDigits: httpError(ERRORS.tooManyDigits),
  TooManyFiles: httpError(ERRORS.tooManyFiles),
  // Shared boards.
  BoardTooLarge: httpError(ERRORS.boardTooLarge),
  // Recognition history.
  NotFound: httpError(ERRORS.notFound),
  InvalidCursor: httpError(ERRORS.invalidCursor),
  // Accounts.
  Unauthorized: httpError(ERRORS.unauthorized),
  InvalidCredentials: httpError(ERRORS.invalidCredentials),
  EmailTaken: httpError(ERRORS.emailTaken),
  WeakPassword: httpError(ERRORS.weakPassword),
  ForbiddenOrigin: httpError(ERRORS.forbiddenOrigin),
  AccountsUnavailable: httpError(ERRORS.accountsUnavailable),
  StorageUnavailable: httpError(ERRORS.storageUnavailable),
  InvalidToken: httpError(ERRORS.invalidToken),
  TokenUsed: httpError(ERRORS.tokenUsed),
  TokenExpired: httpError(ERRORS.tokenExpired),
  AlreadyConfirmed: httpError(ERRORS.alreadyConfirmed),
};

/** The body of every error response (error-handler.ts), for the routes' response schemas. */
export const ErrorResponseSchema = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.String(), message: Type.String() });
