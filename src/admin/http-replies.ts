/**
 * How the admin port answers: JSON bodies, and every error as `{"error": "..."}` with its status.
 */
import type http from 'node:http';

/** A request that cannot be served: thrown by handlers, answered with `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers: Allow for 405, WWW-Authenticate for 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Sends `body` as JSON. Nothing on the admin port may be cached: every answer is "now". */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    // Too late for a status: cut the response short so the client sees it is incomplete.
    res.destroy();
    return;
  }
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: http.ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.message }, error.headers);
}

/** 405 for a method the path does not serve, naming the ones it does. */
export function methodNotAllowed(method: string | undefined, allowed: readonly string[]): HttpError {
  return new HttpError(405, `method ${method ?? '?'} not allowed here; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
}
