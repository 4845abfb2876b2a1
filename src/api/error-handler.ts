import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { type ErrorCode, errorCatalogue, OpaisError } from '../errors.ts';
import { isKurrentDbUnavailable } from '../store/kurrentdb/unavailable.ts';

/** The body of every error answer: the catalogue's code and title, and what went wrong here. */
interface ApiErrorBody {
  code: ErrorCode;
  title: string;
  status: number;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Maps every failure onto the one catalogue of src/errors.ts. Clients get a
 * code, a title and a message, never a stack trace or a SQL text; what is
 * not the client's fault is logged with the request id that the answer names.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toOpaisError(error, request.id);
    if (known.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
    sendError(reply, known);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, new OpaisError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

function errorBody(error: OpaisError): ApiErrorBody {
  const entry = errorCatalogue[error.code];
  return {
    code: error.code,
    title: entry.title,
    status: entry.httpStatus,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
  };
}

function sendError(reply: FastifyReply, error: OpaisError): void {
  reply
    .code(error.httpStatus)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(error)));
}

function toOpaisError(error: FastifyError, requestId: string): OpaisError {
  if (error instanceof OpaisError) return error;
  if (error.validation) {
    return new OpaisError('INVALID_ARGUMENT', error.message, {
      place: error.validationContext,
      errors: error.validation.map((problem) => ({ path: problem.instancePath, message: problem.message })),
    });
  }
  if (isKurrentDbUnavailable(error)) {
    return new OpaisError(
      'EVENT_STORE_UNAVAILABLE',
      'the KurrentDB event store cannot be reached or is too busy; try again shortly',
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new OpaisError(
      'DATABASE_UNAVAILABLE',
      'the database cannot be reached or is too busy; try again shortly',
    );
  }
  const status = error.statusCode ?? 500;
  if (status === 404) return new OpaisError('NOT_FOUND', error.message);
  if (status >= 400 && status < 500) return new OpaisError('INVALID_ARGUMENT', error.message);
  return new OpaisError('INTERNAL', `internal error; the server log has the details (request ${requestId})`);
}

/** Connection failures, a server shutting down, a full pool or a cancelled (timed-out) statement. */
function isDatabaseUnavailable(error: { code?: string; message?: string }): boolean {
  const code = error.code ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EPIPE',
      '57014',
      '57P01',
      '57P02',
      '57P03',
    ].includes(code) ||
    code.startsWith('08') ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(error.message ?? '')
  );
}
