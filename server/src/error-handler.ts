/**
 * One error shape for the whole API: `{statusCode, code, error, message}` with a stable,
 * documented `code`. 5xx details are logged, never sent.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { ERRORS, ErrorCode } from '../../common/error-codes.js';

/** Fastify's own error codes, renamed to the API's stable ones. */
const CODES: Record<string, string> = {
  FST_ERR_VALIDATION: ErrorCode.invalidRequest,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.bodyTooLarge,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.invalidJson,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.invalidJson,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.invalidRequest,
  FST_ERR_RATE_LIMIT: ErrorCode.rateLimited,
};

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
  // JSON.parse failures reach us as a SyntaxError with a 400 status.
  // @fastify/error upper-cases codes; the API's are lower-case.
  let code = CODES[err.code] ?? (err instanceof SyntaxError ? ErrorCode.invalidJson : err.code?.startsWith('FST_') ? ErrorCode.invalidRequest : err.code?.toLowerCase());
  let message = err.message;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    code = code && !code.startsWith('FST_') && status === 503 ? code : ERRORS.internalError.code;
    message = status === 503 ? err.message : ERRORS.internalError.message;
  } else if (err.validation) {
    status = 400;
    message = `Invalid request: ${err.message}`;
  }
  void reply.status(status).send({ statusCode: status, code: code ?? 'error', error: STATUS_CODES[status] ?? 'Error', message });
}
