/**
 * The admin HTTP port (`admin-port`, off by default): what operators and their tools expect next
 * to the Redis protocol, on the same `bind` addresses.
 *
 *   GET /healthz     200 {"status":"ok"} while the process and its event loop answer (liveness)
 *   GET /readyz      200 while commands are served and writes accepted; 503 with the reason while
 *                    the disk refuses writes (MISCONF) or the server shuts down (readiness)
 *   GET /metrics     Prometheus text (metrics.ts)
 *   /v1/kv...        the REST gateway (rest.ts)
 *   /, /dashboard..., /api/...   the dashboard (dashboard.ts)
 *
 * Access follows the RESP port's rules. The probes stay open, since they reveal nothing and
 * orchestrators call them without credentials. Everything else shows or changes data, so with
 * `requirepass` set it needs the password, either as `Authorization: Bearer <requirepass>`
 * (Prometheus sends it with `authorization: {credentials: ...}` in a scrape config) or as HTTP
 * Basic credentials with any user name (what a browser sends once it has prompted for them).
 * A refused dashboard path challenges with Basic, so a browser opening the page prompts; the
 * machine paths (/metrics, /v1) challenge with Bearer and answer JSON. With protected mode on and
 * no password only loopback clients are served, as on the RESP port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { isLoopback, type Server } from '../server/server.js';
import { handleDashboardRequest, isDashboardPath, readStats, sendDashboardRefusal } from './dashboard.js';
import { StatsHistory, sampleEverySecond } from './stats-history.js';
import { HttpError, methodNotAllowed, sendError, sendJson } from './http-replies.js';
import { ServerMetrics } from './metrics.js';
import { handleRestRequest, isRestPath } from './rest.js';

/** How long close() lets requests in flight finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;

/** 401 challenges: a browser prompts for a password on Basic, tools read Bearer. */
const BASIC_CHALLENGE = 'Basic realm="stratakv", charset="UTF-8"';
const BEARER_CHALLENGE = 'Bearer realm="stratakv"';

export class AdminServer {
  /** The port listened on (the configured one; 0 before listen()). */
  port = 0;
  private readonly listeners: http.Server[] = [];
  private readonly metrics: ServerMetrics;
  /** Set by close(): readiness fails and the gateway refuses work while in-flight requests finish. */
  private closing = false;
  /** The dashboard's last fifteen minutes, sampled from the moment the port listens. */
  private readonly history = new StatsHistory();
  private stopSampling: (() => void) | null = null;

  constructor(private readonly server: Server) {
    this.metrics = new ServerMetrics(server);
  }

  /** Listens on `port` on every bind address; a leading '-' marks an address that may be unavailable. */
  async listen(port: number): Promise<void> {
    for (const raw of this.server.config.bind) {
      const optional = raw.startsWith('-');
      const host = optional ? raw.slice(1) : raw;
      const listener = http.createServer((req, res) => this.handle(req, res));
      // An `Expect: 100-continue` upload too large for proto-max-bulk-len is refused before it is sent.
      listener.on('checkContinue', (req, res) => this.handle(req, res, true));
      if (await this.listenOn(listener, host, port, optional)) this.listeners.push(listener);
    }
    if (this.listeners.length === 0) throw new Error('Failed listening on any bind address for the admin port');
    this.port = port;
    this.stopSampling = sampleEverySecond(this.history, () => readStats(this.server));
  }

  /** Stops listening; requests in flight get CLOSE_GRACE_MS to finish. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopSampling?.();
    const closed = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    for (const l of this.listeners) l.closeIdleConnections();
    const cut = setTimeout(() => {
      for (const l of this.listeners) l.closeAllConnections();
    }, CLOSE_GRACE_MS);
    cut.unref();
    await Promise.all(closed);
    clearTimeout(cut);
  }

  private async listenOn(listener: http.Server, host: string, port: number, optional: boolean): Promise<boolean> {
    try {
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ port, host }, () => {
          listener.removeListener('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'EINVAL')) {
        this.server.logger.verbose(`Skipping unavailable bind address ${host} for the admin port`);
        return false;
      }
      throw new Error(`Could not create the admin HTTP listening socket ${host}:${port}: ${(err as Error).message}`);
    }
    listener.on('error', (err) => this.server.logger.warning(`Admin port listener error: ${err.message}`));
    return true;
  }

  // ------------------------------------------------------------------ routing

  private handle(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): void {
    if (this.closing) res.setHeader('Connection', 'close');
    this.route(req, res, expectsContinue).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.server.logger.warning(`Admin port: ${req.method ?? ''} ${req.url ?? ''} failed: ${message}`);
      sendError(res, new HttpError(500, message));
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const forDashboard = isDashboardPath(path);
    try {
      if (path === '/healthz') {
        readOnly(req);
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      if (path === '/readyz') {
        readOnly(req);
        const reason = this.notReadyReason();
        sendJson(res, reason === null ? 200 : 503, reason === null ? { status: 'ok' } : { status: 'unavailable', reason });
        return;
      }
      this.checkAccess(req, forDashboard ? BASIC_CHALLENGE : BEARER_CHALLENGE);
      if (path === '/metrics') {
        readOnly(req);
        const text = await this.metrics.render();
        res.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
        res.end(text);
        return;
      }
      if (isRestPath(path)) {
        if (this.closing || this.server.isShuttingDown) throw new HttpError(503, 'the server is shutting down');
        if (expectsContinue && !this.uploadFits(req)) throw new HttpError(413, `the value is larger than proto-max-bulk-len (${this.server.config.protoMaxBulkLen} bytes)`, { Connection: 'close' });
        if (expectsContinue) res.writeContinue();
        await handleRestRequest(req, res, this.server);
        return;
      }
      if (forDashboard) {
        if (expectsContinue) res.writeContinue();
        handleDashboardRequest(req, res, this.server, this.history);
        return;
      }
      throw new HttpError(404, `nothing here: ${path} (try /metrics, /healthz, /readyz, /v1/kv or /dashboard/)`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      // A refused upload is not read: no 100 Continue was sent, the client never sends its body.
      if (!expectsContinue) req.resume();
      if (forDashboard) sendDashboardRefusal(req, res, err);
      else sendError(res, err);
    }
  }

  /** Why the server is not ready, or null when it is. */
  private notReadyReason(): string | null {
    if (this.closing || this.server.isShuttingDown) return 'shutting down';
    const failure = this.server.db.writeFailure;
    if (failure !== null) return `writes are refused until the disk recovers (MISCONF): ${failure.message}`;
    return null;
  }

  /**
   * Protected mode and the password, as the RESP port applies protected mode and AUTH. A 401
   * carries `challenge` as its WWW-Authenticate.
   */
  private checkAccess(req: http.IncomingMessage, challenge: string): void {
    const { protectedMode, requirepass } = this.server.config;
    if (requirepass === '') {
      if (protectedMode && !isLoopback(req.socket.remoteAddress)) {
        throw new HttpError(403, 'protected mode: without requirepass only loopback clients are served; set a password (then send it as a bearer token or Basic credentials) or turn protected-mode off');
      }
      return;
    }
    const refuse = (message: string): HttpError => new HttpError(401, message, { 'WWW-Authenticate': challenge });
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^(Bearer|Basic) +(.*)$/i.exec(header);
    if (match === null) throw refuse('authentication required: send "Authorization: Bearer <requirepass>", or Basic credentials with requirepass as the password');
    if (match[1].toLowerCase() === 'bearer') {
      // Node hands header values over as latin1 (one char per byte): back to the bytes the client sent.
      if (!passwordMatches(Buffer.from(match[2], 'latin1'), requirepass)) throw refuse('invalid bearer token');
      return;
    }
    const password = basicPassword(match[2]);
    if (password === null) throw refuse('malformed Basic credentials: expected the base64 of "user:password"');
    if (!passwordMatches(password, requirepass)) throw refuse('invalid password');
  }

  private uploadFits(req: http.IncomingMessage): boolean {
    const declared = req.headers['content-length'];
    return declared === undefined || Number(declared) <= this.server.config.protoMaxBulkLen;
  }
}

/** The probes and /metrics only answer GET (and HEAD, which Node answers without the body). */
function readOnly(req: http.IncomingMessage): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method, ['GET', 'HEAD']);
}

/**
 * The password half of Basic credentials (RFC 7617: base64 of `user:password`, the user name
 * ending at the first colon), as bytes; null if `encoded` is not that. The user name is ignored,
 * as AUTH with one argument ignores it: there is one password.
 */
function basicPassword(encoded: string): Buffer | null {
  // Buffer.from(…, 'base64') skips characters outside the alphabet instead of failing.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64');
  const colon = decoded.indexOf(0x3a);
  return colon < 0 ? null : decoded.subarray(colon + 1);
}

/**
 * Compares SHA-256 digests in constant time, as AUTH does: neither the position of the first
 * wrong byte nor the password's length shows in how long a wrong guess takes.
 */
function passwordMatches(offered: Buffer, password: string): boolean {
  const digest = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();
  return timingSafeEqual(digest(offered), digest(Buffer.from(password, 'utf8')));
}
