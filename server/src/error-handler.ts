/**
 * One error shape for the whole API: `{statusCode, code, error, message}` with a stable,
 * documented `code`. 5xx details are logged, never sent.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';

/** Fastify's own error codes, renamed to the API's stable ones. */
const CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_RATE_LIMIT: 'rate_limited',
};

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
  // JSON.parse failures reach us as a SyntaxError with a 400 status.
  // @fastify/error upper-cases codes; the API's are lower-case.
  let code = CODES[err.code] ?? (err instanceof SyntaxError ? 'invalid_json' : err.code?.startsWith('FST_') ? 'invalid_request' : err.code?.toLowerCase());
  let message = err.message;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    code = code && !code.startsWith('FST_') && status === 503 ? code : 'internal_error';
    message = status === 503 ? err.message : 'Something went wrong on our side; the error has been logged.';
  } else if (err.validation) {
    status = 400;
    message = `Invalid request: ${err.message}`;
  }
  void reply.status(status).send({ statusCode: status, code: code ?? 'error', error: STATUS_CODES[status] ?? 'Error', message });
}
