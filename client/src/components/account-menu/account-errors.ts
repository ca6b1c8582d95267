import { msg } from '@lit/localize';
import { ErrorCode } from '../../../../common/error-codes.js';
import { ApiError, describeError } from '../../api/api-request.js';

/** A sentence for an account request's failure, in the page's language for the codes of account links. */
export function describeAccountError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case ErrorCode.invalidToken:
        return msg('This link is not valid (it may have been cut short). Ask for a new one.');
      case ErrorCode.tokenUsed:
        return msg('This link has already been used. Ask for a new one if you need it.');
      case ErrorCode.tokenExpired:
        return msg('This link has expired. Ask for a new one.');
      case ErrorCode.rateLimited:
        return msg('Too many attempts: wait a minute and try again.');
      case ErrorCode.storageUnavailable:
        return msg('Accounts cannot be saved right now. Try again later.');
    }
  }
  return describeError(error);
}
