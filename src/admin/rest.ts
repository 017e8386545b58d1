/**
 * The REST gateway on the admin port, over database 0:
 *
 *   GET    /v1/kv/{key}                          the value, raw bytes (application/octet-stream); 404 if absent
 *   PUT    /v1/kv/{key}[?ttl=SECONDS]            the raw request body becomes the value (SET key body [EX ttl]); 204
 *   DELETE /v1/kv/{key}                          204, or 404 if there was no such key
 *   GET    /v1/kv?prefix=P&limit=N&cursor=C      keys starting with P in byte order, with their values
 *
 * Keys and the prefix are percent-decoded to bytes (not UTF-8 text), so any binary key can be
 * addressed: `%00%ff` is the two bytes 0x00 0xff. In the listing, keys and values are base64
 * strings, the one JSON encoding that carries any bytes.
 *
 * Every operation is a command run through the dispatcher by a CommandClient (GET, SET, DEL, SCAN,
 * MGET), never a write to the engine behind its back: MISCONF, CLIENT PAUSE, key locks, stats,
 * WATCH, expiry and appendfsync durability are exactly a RESP client's. The listing is SCAN with
 * `MATCH <escaped prefix>*`: its cursor walks keys in byte order and resumes after the last key it
 * examined, so paging covers every key present for the whole walk, each once.
 */
import type http from 'node:http';
import type { Server } from '../server/server.js';
import { CommandClient, CommandErrorReply, NotDurableError, type Reply } from './command-client.js';
import type { AclUser } from '../acl/users.js';
import { HttpError, methodNotAllowed, sendError, sendJson } from './http-replies.js';

const COLLECTION_PATH = '/v1/kv';
const ITEM_PREFIX = '/v1/kv/';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** True for the paths this gateway serves. */
export function isRestPath(path: string): boolean {
  return path === COLLECTION_PATH || path.startsWith(ITEM_PREFIX);
}

/** Serves one /v1/kv request; every failure is answered as a JSON error, never thrown. */
export async function handleRestRequest(req: http.IncomingMessage, res: http.ServerResponse, server: Server, user: AclUser): Promise<void> {
  try {
    await route(req, res, server, user);
  } catch (err) {
    sendError(res, asHttpError(err, server));
  }
}

async function route(req: http.IncomingMessage, res: http.ServerResponse, server: Server, user: AclUser): Promise<void> {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
  const client = new CommandClient(server, `http:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`, `${req.socket.localAddress ?? '?'}:${req.socket.localPort ?? 0}`);
  // The commands run as the user the credentials named: its ACL rules apply as on the RESP port.
  client.user = user;
  const method = req.method ?? '';

  if (path === COLLECTION_PATH) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, ['GET', 'HEAD']);
    allowOnly(query, ['prefix', 'limit', 'cursor']);
    sendJson(res, 200, await listRange(client, query));
    return;
  }

  // Percent-escapes are bytes; '+' is a plain '+' in a path.
  const key = percentDecode(path.slice(ITEM_PREFIX.length), false);
  if (key.length === 0) throw new HttpError(400, 'the key is empty: address a key as /v1/kv/{key} (GET /v1/kv lists keys)');
  switch (method) {
    case 'GET':
    case 'HEAD': {
      allowOnly(query, []);
      const value = await client.run([Buffer.from('GET'), key]);
      if (value === null) throw new HttpError(404, 'no such key');
      const body = asBuffer(value);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    case 'PUT': {
      allowOnly(query, ['ttl']);
      const ttl = ttlArgument(query.ttl);
      const value = await readBody(req, server.config.protoMaxBulkLen);
      const argv = [Buffer.from('SET'), key, value];
      if (ttl !== null) argv.push(Buffer.from('EX'), Buffer.from(ttl));
      try {
        await client.run(argv);
      } catch (err) {
        // SET checks the range of the expire time (it depends on the clock); its refusal is about ttl.
        if (ttl !== null && err instanceof CommandErrorReply && /invalid expire time|not an integer/.test(err.message)) {
          throw new HttpError(400, `ttl is too large (${err.message})`);
        }
        throw err;
      }
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    case 'DELETE': {
      allowOnly(query, []);
      const deleted = await client.run([Buffer.from('DEL'), key]);
      if (deleted === 0) throw new HttpError(404, 'no such key');
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    default:
      throw methodNotAllowed(method, ['GET', 'HEAD', 'PUT', 'DELETE']);
  }
}

// ---------------------------------------------------------------------------- listing

interface ListPage {
  /** Keys in byte order, each with its value; both base64. */
  items: Array<{ key: string; value: string }>;
  /** Pass as `cursor` to get the next page; null when the walk is complete. */
  next_cursor: string | null;
}

async function listRange(client: CommandClient, query: Query): Promise<ListPage> {
  const prefix = query.prefix === undefined ? Buffer.alloc(0) : Buffer.from(query.prefix, 'latin1');
  const limit = limitArgument(query.limit);
  let cursor = cursorArgument(query.cursor);
  const pattern = Buffer.concat([escapeGlob(prefix), Buffer.from('*')]);
  const keys: Buffer[] = [];
  // SCAN's COUNT is how many keys it examines; expired ones are examined but not returned, so a
  // page may come back short: ask again until the page is full or the walk is done.
  do {
    const page = await client.run([Buffer.from('SCAN'), Buffer.from(cursor), Buffer.from('MATCH'), pattern, Buffer.from('COUNT'), Buffer.from(String(limit - keys.length))]);
    if (!Array.isArray(page) || page.length !== 2 || !Array.isArray(page[1])) throw new Error('unexpected SCAN reply');
    cursor = asBuffer(page[0]).toString('latin1');
    for (const k of page[1]) keys.push(asBuffer(k));
  } while (cursor !== '0' && keys.length < limit);

  const items: ListPage['items'] = [];
  if (keys.length > 0) {
    const values = await client.run([Buffer.from('MGET'), ...keys]);
    if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
    for (let i = 0; i < keys.length; i++) {
      // Deleted or expired between SCAN and MGET (or not a string): not part of the page.
      if (values[i] === null) continue;
      items.push({ key: keys[i].toString('base64'), value: asBuffer(values[i]).toString('base64') });
    }
  }
  return { items, next_cursor: cursor === '0' ? null : cursor };
}

/** The prefix as a glob matching only itself: `*`, `?`, `[`, `]` and `\` escaped with `\`. */
function escapeGlob(prefix: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of prefix) {
    if (byte === 0x2a || byte === 0x3f || byte === 0x5b || byte === 0x5d || byte === 0x5c) out.push(0x5c);
    out.push(byte);
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------- arguments

/** Query parameters, values as binary strings (one char per byte). */
type Query = Record<string, string | undefined>;

function parseQuery(text: string): Query {
  const query: Query = {};
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    // '+' is a space in a query, as URLSearchParams (and HTML forms) encode it.
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq), true).toString('latin1');
    if (Object.hasOwn(query, name)) throw new HttpError(400, `the parameter '${name}' is given more than once`);
    query[name] = eq < 0 ? '' : percentDecode(part.slice(eq + 1), true).toString('latin1');
  }
  return query;
}

/**
 * The bytes a URL component stands for: `%XX` is the byte 0xXX, anything else is itself (the
 * request line arrives as latin1, one char per byte). Not decodeURIComponent, which insists on
 * UTF-8 text and so cannot address a key such as 0xff.
 */
function percentDecode(text: string, plusIsSpace: boolean): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new HttpError(400, `malformed percent-escape '%${hex}': write a byte as %XX in hex`);
      out[n++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = plusIsSpace && c === 0x2b /* + */ ? 0x20 : c;
    }
  }
  return out.subarray(0, n);
}

function allowOnly(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new HttpError(400, allowed.length === 0 ? `unknown parameter '${name}': this request takes none` : `unknown parameter '${name}': this request takes ${allowed.join(', ')}`);
    }
  }
}

/** `ttl` as SET EX's argument, or null without one. Too large a value is SET's to refuse. */
function ttlArgument(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!/^[1-9][0-9]*$/.test(text)) throw new HttpError(400, 'ttl must be a whole number of seconds, at least 1');
  return text;
}

function limitArgument(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = /^[0-9]{1,4}$/.test(text) ? Number(text) : 0;
  if (n < 1 || n > MAX_LIMIT) throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

/** The cursor a previous page returned ('0' or absent starts from the beginning). */
function cursorArgument(text: string | undefined): string {
  if (text === undefined || text === '') return '0';
  if (!/^[0-9]{1,20}$/.test(text)) throw new HttpError(400, 'cursor must be the next_cursor of a previous page');
  return text;
}

/**
 * The request body, at most `maxBytes` (proto-max-bulk-len, the largest value a RESP client may
 * send). A larger declared or actual body is a 413; the rest of it is read and dropped so the
 * client, which may still be sending, gets to read the answer.
 */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = (): HttpError => new HttpError(413, `the value is larger than proto-max-bulk-len (${maxBytes} bytes)`, { Connection: 'close' });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, received)));
    req.once('error', reject);
    // A client that disconnects mid-upload: nothing is written, and nothing is left waiting.
    req.once('close', () => {
      if (!req.complete) reject(new HttpError(400, 'the request body was cut short'));
    });
  });
}

// ---------------------------------------------------------------------------- replies

function asBuffer(reply: Reply): Buffer {
  if (!Buffer.isBuffer(reply)) throw new Error(`expected a bulk string reply, got ${JSON.stringify(reply)}`);
  return reply;
}

/** What a failure means for the HTTP client. */
function asHttpError(err: unknown, server: Server): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof CommandErrorReply) {
    // MISCONF: the disk failed and writes are refused until it recovers, as for RESP clients.
    if (err.code === 'MISCONF') return new HttpError(503, err.message);
    if (err.code === 'WRONGTYPE') return new HttpError(409, err.message);
    if (err.code === 'NOPERM') return new HttpError(403, err.message);
  }
  if (err instanceof NotDurableError) return new HttpError(503, err.message);
  const message = err instanceof Error ? err.message : String(err);
  server.logger.warning(`REST request failed: ${message}`);
  return new HttpError(500, message);
}
