import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found'
  | 'idempotency_error'
  | 'api_error';

/** An error a client can act on: rendered as CONTRACT.md's `{"error":{…}}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }

  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, code: this.code, message: this.message };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }
}

export const invalid = (param: string, message: string, code = 'parameter_invalid'): ApiError =>
  new ApiError(400, 'invalid_request_error', code, message, param);

export const notFound = (what: string, param = 'id'): ApiError =>
  new ApiError(404, 'not_found', 'resource_missing', `No such ${what}.`, param);

export const conflict = (code: string, message: string, param?: string): ApiError =>
  new ApiError(409, 'invalid_request_error', code, message, param);

export const unauthenticated = (message: string): ApiError =>
  new ApiError(401, 'authentication_error', 'invalid_api_key', message);
