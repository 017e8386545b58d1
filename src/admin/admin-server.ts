/**
 * The admin HTTP port (`admin-port`, off by default): what operators and their tools expect next
 * to the Redis protocol, on the same `bind` addresses.
 *
 *   GET /healthz     200 {"status":"ok"} while the process and its event loop answer (liveness)
 *   GET /readyz      200 while commands are served and writes accepted; 503 with the reason while
 *                    the disk refuses writes (MISCONF) or the server shuts down (readiness), and
 *                    while it starts: the port listens before the data is opened, so a start that
 *                    replays a big write-ahead log or restores a checkpoint answers 503 with the
 *                    phase and its percent (everything but the probes answers 503 until then)
 *   GET /metrics     Prometheus text (metrics.ts)
 *   /v1/kv...        the REST gateway (rest.ts)
 *   /, /dashboard..., /api/...   the dashboard (dashboard.ts); POST /api/compact starts a full
 *                    compaction, whose progress /api/stats shows under `work`
 *
 * Access follows the RESP port's rules. The probes stay open, since they reveal nothing and
 * orchestrators call them without credentials. Everything else shows or changes data, so with
 * `requirepass` set it needs the password, either as `Authorization: Bearer <requirepass>`
 * (Prometheus sends it with `authorization: {credentials: ...}` in a scrape config) or as HTTP
 * Basic credentials with any user name (what a browser sends once it has prompted for them).
 * Basic credentials naming an ACL user authenticate as that user (AUTH user pass): the gateway's
 * commands then run with its permissions, and /metrics and the dashboard need INFO's.
 * A refused dashboard path challenges with Basic, so a browser opening the page prompts; the
 * machine paths (/metrics, /v1) challenge with Bearer and answer JSON. With protected mode on and
 * no password only loopback clients are served, as on the RESP port.
 */
import http from 'node:http';
import { isLoopback, type Server } from '../server/server.js';
import type { ServerConfig } from '../config/config.js';
import type { Logger } from '../util/logger.js';
import type { LongOperations } from '../util/progress.js';
import { checkCommand } from '../acl/check.js';
import type { AclUser } from '../acl/users.js';
import { handleDashboardRequest, isDashboardPath, readStats, sendDashboardRefusal } from './dashboard.js';
import { StatsHistory, sampleEverySecond } from './stats-history.js';
import { HttpError, methodNotAllowed, sendError, sendJson } from './http-replies.js';
import { ServerMetrics } from './metrics.js';
import { handleRestRequest, isRestPath } from './rest.js';
import { CommandClient } from './command-client.js';
import { clientInfoLine } from '../commands/client-info.js';

/** How long close() lets requests in flight finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;

/** 401 challenges: a browser prompts for a password on Basic, tools read Bearer. */
const BASIC_CHALLENGE = 'Basic realm="stratakv", charset="UTF-8"';
const BEARER_CHALLENGE = 'Bearer realm="stratakv"';

export class AdminServer {
  /** The port listened on (the configured one; 0 before listen()). */
  port = 0;
  private readonly listeners: http.Server[] = [];
  /** The server, once its data is open (attach()); until then only the probes answer. */
  private attached: { server: Server; metrics: ServerMetrics } | null = null;
  /** Set by close(): readiness fails and the gateway refuses work while in-flight requests finish. */
  private closing = false;
  /** The dashboard's last fifteen minutes, sampled from the moment the port listens. */
  private readonly history = new StatsHistory();
  private stopSampling: (() => void) | null = null;

  constructor(
    private readonly config: ServerConfig,
    private readonly logger: Logger,
    /** Long work (startup, full compactions) whose progress the probes and the dashboard show. */
    private readonly work: LongOperations,
  ) {}

  /**
   * Listens on `port` on every bind address; a leading '-' marks an address that may be
   * unavailable. Until attach(), /healthz says the process lives and /readyz how far the start is.
   */
  async listen(port: number): Promise<void> {
    for (const raw of this.config.bind) {
      const optional = raw.startsWith('-');
      const host = optional ? raw.slice(1) : raw;
      const listener = http.createServer((req, res) => this.handle(req, res));
      // An `Expect: 100-continue` upload too large for proto-max-bulk-len is refused before it is sent.
      listener.on('checkContinue', (req, res) => this.handle(req, res, true));
      if (await this.listenOn(listener, host, port, optional)) this.listeners.push(listener);
    }
    if (this.listeners.length === 0) throw new Error('Failed listening on any bind address for the admin port');
    this.port = port;
  }

  /** The data is open and the server built: from now on every path is served. */
  attach(server: Server): void {
    this.attached = { server, metrics: new ServerMetrics(server) };
    this.stopSampling = sampleEverySecond(this.history, () => readStats(server));
  }

  /** The server and its metrics, or a 503 for a request that needs them while the start goes on. */
  private ready(): { server: Server; metrics: ServerMetrics } {
    if (this.attached !== null) return this.attached;
    throw new HttpError(503, `the server is starting${this.startupSummary()}`, { 'Retry-After': '1' });
  }

  private get server(): Server {
    return this.ready().server;
  }

  private startupSummary(): string {
    const startup = this.work.find('startup')?.snapshot();
    return startup === undefined ? '' : `: ${startup.phase}${startup.totalBytes > 0 ? `, ${startup.percent}%` : ''}`;
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
        this.logger.verbose(`Skipping unavailable bind address ${host} for the admin port`);
        return false;
      }
      throw new Error(`Could not create the admin HTTP listening socket ${host}:${port}: ${(err as Error).message}`);
    }
    listener.on('error', (err) => this.logger.warning(`Admin port listener error: ${err.message}`));
    return true;
  }

  // ------------------------------------------------------------------ routing

  private handle(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): void {
    if (this.closing) res.setHeader('Connection', 'close');
    this.route(req, res, expectsContinue).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warning(`Admin port: ${req.method ?? ''} ${req.url ?? ''} failed: ${message}`);
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
        if (this.attached === null) {
          const startup = this.work.find('startup')?.snapshot();
          sendJson(res, 503, { status: 'starting', reason: `the server is starting${this.startupSummary()}`, ...(startup === undefined ? {} : { progress: startup }) });
          return;
        }
        const reason = this.notReadyReason();
        sendJson(res, reason === null ? 200 : 503, reason === null ? { status: 'ok' } : { status: 'unavailable', reason });
        return;
      }
      const user = this.checkAccess(req, forDashboard ? BASIC_CHALLENGE : BEARER_CHALLENGE);
      if (path === '/metrics') {
        readOnly(req);
        this.checkMayReadInfo(user);
        const metrics = this.ready().metrics;
        const text = await metrics.render();
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
        res.end(text);
        return;
      }
      if (isRestPath(path)) {
        if (this.closing || this.server.isShuttingDown) throw new HttpError(503, 'the server is shutting down');
        if (expectsContinue && !this.uploadFits(req)) throw new HttpError(413, `the value is larger than proto-max-bulk-len (${this.server.config.protoMaxBulkLen} bytes)`, { Connection: 'close' });
        if (expectsContinue) res.writeContinue();
        await handleRestRequest(req, res, this.server, user);
        return;
      }
      if (forDashboard) {
        this.checkMayReadInfo(user);
        if (expectsContinue) res.writeContinue();
        if (path === '/api/compact') {
          this.startFullCompaction(req, res, user);
          return;
        }
        handleDashboardRequest(req, res, this.server, this.history, this.work);
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

  /**
   * POST /api/compact: compacts the whole tree down in the background, as an operator does after a
   * mass delete to get the space back; /api/stats shows its progress under `work` and the log
   * prints it. One at a time: a second request while one runs gets 409 with the running one's
   * progress. The body must be declared JSON, which a cross-site form cannot send, so a page
   * elsewhere cannot start one with the browser's remembered credentials.
   */
  private startFullCompaction(req: http.IncomingMessage, res: http.ServerResponse, user: AclUser): void {
    if (req.method !== 'POST') throw methodNotAllowed(req.method, ['POST']);
    req.resume();
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'send the request with Content-Type: application/json');
    }
    // Compaction is background rewriting of the data, as BGREWRITEAOF is: the same permission.
    this.checkMayRun(user, 'bgrewriteaof');
    const running = this.work.find('compaction');
    if (running !== undefined) {
      sendJson(res, 409, { status: 'running', progress: running.snapshot() });
      return;
    }
    const server = this.server;
    const op = this.work.start('compaction');
    op.phase('flushing the memtable and waiting for a running compaction', 0);
    const started = Date.now();
    server.logger.notice('Full compaction requested on the admin port');
    server.db
      .compactAll({ step: (description, inputBytes) => op.phase(description, inputBytes, 'entries'), advance: (bytes, entries) => op.advance(bytes, entries) })
      .then(
        () => server.logger.notice(`Full compaction done in ${((Date.now() - started) / 1000).toFixed(1)} seconds`),
        (err: unknown) => server.logger.warning(`Full compaction failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => op.finish());
    sendJson(res, 202, { status: 'started', progress: op.snapshot() });
  }

  /** Why the server is not ready, or null when it is. */
  private notReadyReason(): string | null {
    if (this.closing || this.server.isShuttingDown) return 'shutting down';
    const failure = this.server.db.writeFailure;
    if (failure !== null) return `writes are refused until the disk recovers (MISCONF): ${failure.message}`;
    return null;
  }

  /**
   * Protected mode and the credentials, as the RESP port applies protected mode and AUTH: the ACL
   * user the request runs as. Basic credentials name the user (a name that is no ACL user, as a
   * browser prompt or a scrape config may send, stands for `default`); a bearer token is the
   * default user's password. Without credentials a request is the default user's when that user
   * needs no password. A 401 carries `challenge` as its WWW-Authenticate.
   */
  private checkAccess(req: http.IncomingMessage, challenge: string): AclUser {
    const acl = this.server.acl;
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^(Bearer|Basic) +(.*)$/i.exec(header);
    // As the RESP port: while the default user needs no password, only loopback clients are served.
    if (this.server.config.protectedMode && acl.defaultUser.nopass && !isLoopback(req.socket.remoteAddress)) {
      throw new HttpError(403, 'protected mode: without requirepass only loopback clients are served; set a password (then send it as a bearer token or Basic credentials) or turn protected-mode off');
    }
    if (!acl.authRequired && (match === null || match[1].toLowerCase() === 'bearer')) return acl.defaultUser;
    const refuse = (message: string): HttpError => new HttpError(401, message, { 'WWW-Authenticate': challenge });
    if (match === null) throw refuse('authentication required: send "Authorization: Bearer <requirepass>", or Basic credentials (an ACL user and its password, or requirepass as the password)');
    if (match[1].toLowerCase() === 'bearer') {
      // Node hands header values over as latin1 (one char per byte): back to the bytes the client sent.
      const user = acl.authenticate('default', Buffer.from(match[2], 'latin1'));
      if (user === null) throw this.failedLogin(req, 'default', refuse('invalid bearer token'));
      return user;
    }
    const credentials = basicCredentials(match[2]);
    if (credentials === null) throw refuse('malformed Basic credentials: expected the base64 of "user:password"');
    const name = acl.get(credentials.user) === undefined ? 'default' : credentials.user;
    const user = acl.authenticate(name, credentials.password);
    if (user === null) throw this.failedLogin(req, name, refuse('invalid password'));
    return user;
  }

  /**
   * A failed HTTP login goes into ACL LOG as a failed AUTH on the RESP port does (reason auth,
   * object AUTH, the user tried), with the HTTP peer in its client line; returns the refusal.
   */
  private failedLogin(req: http.IncomingMessage, username: string, refusal: HttpError): HttpError {
    const client = new CommandClient(this.server, `http:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`, `${req.socket.localAddress ?? '?'}:${req.socket.localPort ?? 0}`);
    client.lastCommand = 'auth';
    this.server.acl.log.add(
      { reason: 'auth', context: 'toplevel', object: 'AUTH', username, clientInfo: clientInfoLine(client, Date.now(), false) },
      this.server.config.acllogMaxLen,
    );
    return refusal;
  }

  /** /metrics and the dashboard show what INFO shows: the user must be allowed INFO. */
  private checkMayReadInfo(user: AclUser): void {
    this.checkMayRun(user, 'info');
  }

  /** An admin action stands for a command: the user must be allowed to run it (no arguments). */
  private checkMayRun(user: AclUser, name: string): void {
    if (user.unrestricted) return;
    const spec = this.server.commands.lookupString(name);
    const command = spec === undefined ? undefined : this.server.acl.catalog.of(spec);
    if (command !== undefined && checkCommand(user, command, [Buffer.from(name)]) !== null) {
      throw new HttpError(403, `NOPERM this user has no permissions to run the '${name}' command`);
    }
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
 * Basic credentials (RFC 7617: base64 of `user:password`, the user name ending at the first
 * colon): the user name (as latin1, like ACL names) and the password's bytes; null if `encoded`
 * is not that.
 */
function basicCredentials(encoded: string): { user: string; password: Buffer } | null {
  // Buffer.from(…, 'base64') skips characters outside the alphabet instead of failing.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64');
  const colon = decoded.indexOf(0x3a);
  return colon < 0 ? null : { user: decoded.subarray(0, colon).toString('latin1'), password: decoded.subarray(colon + 1) };
}

