import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDatabaseError } from '../db/database-errors.ts';
import { type ErrorCode, errorCatalogue, OpaisError } from '../errors.ts';

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

/**
 * Fastify's `frameworkErrors`: failures found before routing (a malformed
 * URL, a path parameter over the length limit) answered like any other.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, toOpaisError(error, request.id));
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before
 * Fastify sees them (headers or request line too large, a timeout, bytes that
 * are not HTTP) get the catalogue's shape too, written on the socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new OpaisError('HEADERS_TOO_LARGE', 'the request line and headers exceed the server limit (16 KiB)')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new OpaisError('REQUEST_TIMEOUT', 'the request was not received in time')
        : new OpaisError('INVALID_ARGUMENT', 'the request is not valid HTTP');
  const body = JSON.stringify(errorBody(known));
  socket.end(
    `HTTP/1.1 ${known.httpStatus} ${known.code}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
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
  if (isTransientDatabaseError(error)) {
    return new OpaisError(
      'DATABASE_UNAVAILABLE',
      'the database cannot be reached or is too busy; try again shortly',
    );
  }
  const status = error.statusCode ?? 500;
  if (status === 404) return new OpaisError('NOT_FOUND', error.message);
  if (status === 414) return new OpaisError('URI_TOO_LONG', error.message);
  if (status >= 400 && status < 500) return new OpaisError('INVALID_ARGUMENT', error.message);
  return new OpaisError('INTERNAL', `internal error; the server log has the details (request ${requestId})`);
}
