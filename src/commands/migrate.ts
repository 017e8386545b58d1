/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username
 * password] [KEYS key ...], as Redis 7.0's migrateCommand: the keys are DUMPed here and sent to the
 * target as RESTORE commands (after AUTH and a SELECT when the cached connection is on another
 * database), one pipeline; each key the target accepted is then deleted here, unless COPY. The
 * replies and errors are Redis': +NOKEY when no key exists, "Target instance replied with error:
 * ..." for the first error the target sent, -IOERR for a connection, write or read that failed or
 * timed out (retried once on a fresh connection when nothing was read yet, as Redis does).
 *
 * Connections are cached by host:port and closed after 10 s unused, as Redis' migrate socket cache.
 * The dispatcher holds the keys while the transfer runs.
 */
import net from 'node:net';
import type { CommandContext } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { NO_EXPIRE, binaryKey, expireAt } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, argIs, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, notify } from './command-support.js';
import { NOTIFY_GENERIC } from '../pubsub/keyspace-events.js';
import { sealPayload } from '../rdb/payload.js';
import { serializeValue } from '../types/dump.js';

/** MIGRATE_SOCKET_CACHE_ITEMS and _TTL. */
const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 1000;

/** One cached connection to a target: lines read as they come, the database last selected. */
class TargetLink {
  lastDb = -1;
  lastUse = Date.now();
  closed = false;
  private buffered = '';
  private wake: (() => void) | null = null;

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffered += d.toString('latin1');
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => { /* seen as 'close' */ });
  }

  /**
   * Connects within `timeout` ms; null when it timed out. A connection refused at once gives a
   * closed link: Redis' blocking connect only waits for the socket to be writable, so it sees
   * the failure when it writes ("IOERR error or timeout writing to target instance").
   */
  static connect(host: string, port: number, timeout: number): Promise<TargetLink | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(null);
      }, timeout);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new TargetLink(socket));
      });
      socket.once('error', () => {
        clearTimeout(timer);
        const link = new TargetLink(socket);
        link.close();
        resolve(link);
      });
    });
  }

  /** Writes `data` within `timeout` ms; false when it could not. */
  write(data: Buffer, timeout: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeout);
      this.socket.write(data, (err) => {
        clearTimeout(timer);
        resolve(err === undefined || err === null);
      });
    });
  }

  /** The next reply line (without CRLF); 'timeout' or 'closed' when none came. */
  async readLine(timeout: number): Promise<string | 'timeout' | 'closed'> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const end = this.buffered.indexOf('\n');
      if (end >= 0) {
        const line = this.buffered.slice(0, end).replace(/\r$/, '');
        this.buffered = this.buffered.slice(end + 1);
        return line;
      }
      if (this.closed) return 'closed';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** The migrate socket cache, by "host:port". */
const links = new Map<string, TargetLink>();
let sweeper: NodeJS.Timeout | null = null;

function closeLink(name: string): void {
  links.get(name)?.close();
  links.delete(name);
}

async function linkTo(name: string, host: string, port: number, timeout: number): Promise<TargetLink | null> {
  const cached = links.get(name);
  if (cached !== undefined && !cached.closed) {
    cached.lastUse = Date.now();
    return cached;
  }
  if (cached !== undefined) closeLink(name);
  if (links.size >= CACHE_ITEMS) {
    // Too many: drop one at random, as Redis does.
    const names = [...links.keys()];
    closeLink(names[Math.floor(Math.random() * names.length)]);
  }
  const link = await TargetLink.connect(host, port, timeout);
  if (link === null) return null;
  links.set(name, link);
  if (sweeper === null) {
    sweeper = setInterval(() => {
      const now = Date.now();
      for (const [n, l] of links) if (now - l.lastUse > CACHE_TTL_MS) closeLink(n);
      if (links.size === 0 && sweeper !== null) {
        clearInterval(sweeper);
        sweeper = null;
      }
    }, 1000);
    sweeper.unref();
  }
  return link;
}

/** A command in RESP (what Redis' rioWriteBulk* write). */
function resp(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

interface MigrateRequest {
  host: string;
  port: Buffer;
  db: number;
  timeout: number;
  copy: boolean;
  replace: boolean;
  username: Buffer | null;
  password: Buffer | null;
  keys: BinaryKey[];
}

/** The arguments, checked in Redis' order; an error text when they are wrong. */
function parseMigrate(argv: Buffer[]): MigrateRequest | string {
  let copy = false;
  let replace = false;
  let username: Buffer | null = null;
  let password: Buffer | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argIs(argv[j], 'copy')) copy = true;
    else if (argIs(argv[j], 'replace')) replace = true;
    else if (argIs(argv[j], 'auth')) {
      if (more === 0) return ERR_SYNTAX;
      password = argv[++j];
    } else if (argIs(argv[j], 'auth2')) {
      if (more < 2) return ERR_SYNTAX;
      username = argv[++j];
      password = argv[++j];
    } else if (argIs(argv[j], 'keys')) {
      if (argv[3].length !== 0) return 'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string';
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else return ERR_SYNTAX;
  }
  const timeout = parseIntegerArg(argv[5]);
  const db = parseIntegerArg(argv[4]);
  if (timeout === undefined || db === undefined) return ERR_NOT_INTEGER;
  const keys: BinaryKey[] = [];
  for (let j = 0; j < numKeys; j++) keys.push(binaryKey(argv[firstKey + j]));
  return {
    host: argv[1].toString('latin1'),
    port: argv[2],
    db: Number(db),
    timeout: timeout <= 0 ? DEFAULT_TIMEOUT_MS : Number(timeout),
    copy,
    replace,
    username,
    password,
    keys,
  };
}

export async function migrateCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  const req = parseMigrate(argv);
  if (typeof req === 'string') return ctx.reply.error(req);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  // The keys that exist (lookupKeyRead each): none at all is +NOKEY, not an error.
  const found: Array<{ key: BinaryKey; value: Buffer }> = [];
  for (const key of req.keys) {
    let value = ks.lookupRead(db, key);
    while (value instanceof Promise) {
      await value;
      value = ks.lookupRead(db, key);
    }
    if (value !== null) found.push({ key, value });
  }
  if (found.length === 0) return ctx.reply.simple('NOKEY');
  const name = `${req.host}:${req.port.toString('latin1')}`;
  // atoi(port), as Redis connects.
  const port = Number.parseInt(req.port.toString('latin1'), 10) || 0;
  let mayRetry = true;
  for (;;) {
    const link = await linkTo(name, req.host, port, req.timeout);
    if (link === null) return ctx.reply.error('IOERR error or timeout connecting to the client');
    const commands: Buffer[] = [];
    if (req.password !== null) commands.push(resp(req.username !== null ? ['AUTH', req.username, req.password] : ['AUTH', req.password]));
    const select = link.lastDb !== req.db;
    if (select) commands.push(resp(['SELECT', String(req.db)]));
    const sent: Array<{ key: BinaryKey; value: Buffer }> = [];
    for (const { key, value } of found) {
      let ttl = 0;
      const expire = expireAt(value);
      if (expire !== NO_EXPIRE) {
        ttl = expire - Date.now();
        // Expired meanwhile: not sent.
        if (ttl < 0) continue;
        if (ttl < 1) ttl = 1;
      }
      const payload = sealPayload(await serializeValue(ks, db, key, value));
      const args: Array<string | Buffer> = ['RESTORE', Buffer.from(key, 'latin1'), String(ttl), payload];
      if (req.replace) args.push('REPLACE');
      commands.push(resp(args));
      sent.push({ key, value });
    }
    if (!(await link.write(Buffer.concat(commands), req.timeout))) {
      closeLink(name);
      if (mayRetry) {
        mayRetry = false;
        continue;
      }
      return ctx.reply.error('IOERR error or timeout writing to target instance');
    }
    let authReply = '';
    let selectReply = '';
    let failure: 'timeout' | 'closed' | null = null;
    if (req.password !== null) {
      const line = await link.readLine(req.timeout);
      if (line === 'timeout' || line === 'closed') failure = line;
      else authReply = line;
    }
    if (failure === null && select) {
      const line = await link.readLine(req.timeout);
      if (line === 'timeout' || line === 'closed') failure = line;
      else selectReply = line;
    }
    if (failure !== null) {
      // The AUTH or SELECT reply did not come: a fresh connection, once.
      closeLink(name);
      if (failure !== 'timeout' && mayRetry) {
        mayRetry = false;
        continue;
      }
      return ctx.reply.error('IOERR error or timeout reading to target instance');
    }
    let targetError: string | null = null;
    let socketError: 'timeout' | 'closed' | null = null;
    const moved: Array<{ key: BinaryKey; value: Buffer }> = [];
    let read = 0;
    for (; read < sent.length; read++) {
      const line = await link.readLine(req.timeout);
      if (line === 'timeout' || line === 'closed') {
        socketError = line;
        break;
      }
      const error = authReply.startsWith('-') ? authReply : selectReply.startsWith('-') ? selectReply : line.startsWith('-') ? line : null;
      if (error !== null) {
        if (targetError === null) {
          link.lastDb = -1;
          targetError = error.slice(1);
        }
      } else if (!req.copy) moved.push(sent[read]);
    }
    if (targetError === null && socketError !== null && read === 0 && mayRetry && socketError !== 'timeout') {
      closeLink(name);
      mayRetry = false;
      continue;
    }
    if (socketError !== null) closeLink(name);
    let write: Promise<unknown> | undefined;
    if (moved.length > 0) {
      const batch = ks.batch();
      const deleted = new Set<BinaryKey>();
      for (const { key, value } of moved) {
        // A key named twice in KEYS went twice (with REPLACE): it is deleted once.
        if (deleted.has(key)) continue;
        deleted.add(key);
        // Still the value sent (the keys are held), unless it expired meanwhile.
        const current = ks.lookupWrite(db, key);
        const previous = current instanceof Promise ? value : current;
        if (previous === null) continue;
        batch.delete(db, key, previous);
        notify(ctx, NOTIFY_GENERIC, 'del', key);
      }
      write = batch.empty ? undefined : batch.commit();
    }
    if (targetError !== null) ctx.reply.error(`ERR Target instance replied with error: ${targetError}`);
    else if (socketError !== null) ctx.reply.error('IOERR error or timeout reading to target instance');
    else {
      link.lastDb = req.db;
      ctx.reply.ok();
    }
    if (write !== undefined) await durable(write);
    return;
  }
}
