/**
 * The replica's side: the link to the primary. Connect, PING, AUTH (masterauth / masteruser),
 * REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC <replid> <offset+1> (`? -1` the
 * first time), then:
 * - +FULLRESYNC <replid> <offset>: the payload (a checkpoint archive, ./archive.ts) is written to
 *   `<dir>/replication/incoming`, opened as a second engine, and loaded key by key into the live
 *   data (emptied first) as RESTORE ... ABSTTL REPLACE commands, while other clients get -LOADING;
 *   then the stream is applied from <offset>. Nothing is held whole in memory but one key's value.
 * - +CONTINUE [<replid>]: the stream goes on from our offset.
 * The stream's commands run through the dispatcher as the master client (no replies, not
 * refused by READONLY); their bytes also go into our own backlog, so after a promotion our
 * former siblings continue from us. REPLCONF ACK <offset> goes back every second and on
 * REPLCONF GETACK. A lost link is retried every second.
 */
import net from 'node:net';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Db } from '../engine/db.js';
import { Keyspace, keyspaceDbOptions } from '../keyspace/keyspace.js';
import { expireAt, NO_EXPIRE } from '../keyspace/encoding.js';
import { scanPage } from '../keyspace/scan.js';
import { serializeValue } from '../types/dump.js';
import { sealPayload } from '../rdb/payload.js';
import { redisOnlyValue } from '../config/config.js';
import { receiveArchive, type ByteSource } from './archive.js';
import type { CommandRunner, ReplicationCore } from './core.js';
import { encodeWords } from './stream.js';

/** Runs one command as the master client; resolves when it is done. */

type RoleState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

class LinkClosed extends Error {}

/** Reads lines and byte runs from a socket, in order, waiting for data as needed. */
class SocketReader implements ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private ended = false;
  /** Bytes taken out so far (master_sync_read_bytes, slave_read_repl_offset). */
  consumed = 0;

  constructor(private readonly socket: net.Socket, private readonly onData: () => void) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.onData();
      if (this.buf.length > 64 * 1024 * 1024) socket.pause();
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    if (w !== null) w();
  }

  private async more(): Promise<void> {
    if (this.ended) throw new LinkClosed('connection closed by the primary');
    this.socket.resume();
    await new Promise<void>((resolve) => { this.waiting = resolve; });
  }

  async line(): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const raw = this.buf.toString('latin1', 0, nl);
        this.take(nl + 1);
        return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      }
      await this.more();
    }
  }

  async some(max: number): Promise<Buffer> {
    while (this.buf.length === 0) await this.more();
    const n = Math.min(max, this.buf.length);
    const out = Buffer.from(this.buf.subarray(0, n));
    this.take(n);
    return out;
  }

  async exact(n: number): Promise<Buffer> {
    while (this.buf.length < n) await this.more();
    const out = Buffer.from(this.buf.subarray(0, n));
    this.take(n);
    return out;
  }

  private take(n: number): void {
    this.buf = this.buf.subarray(n);
    this.consumed += n;
  }
}

export class MasterLink {
  roleState: RoleState = 'connect';
  up = false;
  syncing = false;
  syncTotal = 0;
  syncRead = 0;
  lastIo = Date.now();
  downSince = 0;
  /** The offset of the stream read so far (slave_read_repl_offset). */
  readOffset = 0;
  private socket: net.Socket | null = null;
  private closed = false;
  private ackTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private runner: CommandRunner | null = null;
  /** The database our stream position is in, when known (kept across restarts). */
  private knownDb: number;

  constructor(private readonly repl: ReplicationCore, readonly host: string, readonly port: number, private from: { replid: string; offset: number; db: number } | null) {
    this.knownDb = from?.db ?? -1;
  }

  get streamDb(): number {
    return this.runner !== null ? this.runner.db : this.knownDb;
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    this.closed = true;
    this.up = false;
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.repl.loading = false;
  }

  /** A link with no data nor PING from the primary for repl-timeout is dropped, then retried. */
  checkTimeout(now: number, timeoutMs: number): void {
    if (this.socket === null || this.closed || this.syncing || now - this.lastIo <= timeoutMs) return;
    if (this.roleState !== 'connected' && this.roleState !== 'handshake') return;
    this.repl.host.logger.warning('MASTER timeout: no data nor PING received...');
    this.socket.destroy();
  }

  private async connect(): Promise<void> {
    const logger = this.repl.host.logger;
    this.roleState = 'connecting';
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('error', (err) => logger.verbose(`Replication link error: ${err.message}`));
    const reader = new SocketReader(socket, () => { this.lastIo = Date.now(); });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('close', () => reject(new LinkClosed(`Error condition on socket for SYNC: Connection refused`)));
      });
      logger.notice('MASTER <-> REPLICA sync started');
      await this.handshake(socket, reader);
    } catch (err) {
      if (!this.closed) logger.warning(err instanceof LinkClosed ? err.message : `Replication with ${this.host}:${this.port} failed: ${(err as Error).stack ?? String(err)}`);
    }
    this.linkDown();
  }

  private linkDown(): void {
    if (this.up || this.downSince === 0) this.downSince = Date.now();
    this.up = false;
    this.syncing = false;
    this.repl.loading = false;
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    this.ackTimer = null;
    this.socket?.destroy();
    if (this.closed) return;
    // Where we are now: the next PSYNC continues from it.
    if (this.runner !== null) this.from = { replid: this.repl.replid, offset: this.repl.offset, db: this.runner.db };
    this.roleState = 'connect';
    this.retryTimer = setTimeout(() => void this.connect(), 1000);
  }

  private async handshake(socket: net.Socket, reader: SocketReader): Promise<void> {
    const config = this.repl.host.config;
    this.roleState = 'handshake';
    const send = (...words: string[]): void => { socket.write(encodeWords(...words)); };
    send('PING');
    const pong = await reader.line();
    // Redis accepts an authentication error here: AUTH comes next.
    if (pong.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(pong)) throw new Error(`Error reply to PING from master: '${pong}'`);
    const pass = redisOnlyValue(config, 'masterauth');
    if (pass !== '') {
      const user = redisOnlyValue(config, 'masteruser');
      if (user !== '') send('AUTH', user, pass);
      else send('AUTH', pass);
      const auth = await reader.line();
      if (auth.startsWith('-')) throw new Error(`Unable to AUTH to MASTER: ${auth}`);
    }
    const announcedPort = Number(redisOnlyValue(config, 'replica-announce-port') || '0');
    send('REPLCONF', 'listening-port', String(announcedPort || this.repl.host.tcpPort));
    await reader.line();
    const announcedIp = redisOnlyValue(config, 'replica-announce-ip');
    if (announcedIp !== '') {
      send('REPLCONF', 'ip-address', announcedIp);
      await reader.line();
    }
    send('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
    await reader.line();
    const from = this.from;
    send('PSYNC', from?.replid ?? '?', from === null ? '-1' : String(from.offset + 1));
    let answer = await reader.line();
    while (answer === '') answer = await reader.line();
    const repl = this.repl;
    if (answer.startsWith('+FULLRESYNC')) {
      const [, replid, offset] = answer.split(' ');
      await this.fullSync(reader, replid, Number(offset));
    } else if (answer.startsWith('+CONTINUE')) {
      const newId = answer.split(' ')[1];
      if (from === null) throw new Error('CONTINUE without a PSYNC offset');
      if (newId !== undefined && newId !== repl.replid) {
        // The primary was promoted: our history goes on under its new replid.
        repl.replid2 = repl.replid;
        repl.secondOffset = repl.offset + 1;
        repl.replid = newId;
      }
      repl.ensureBacklog();
      this.runner = repl.host.commandRunner(`${this.host}:${this.port}`);
      if (from.db >= 0) await this.runner.run([Buffer.from('SELECT'), Buffer.from(String(from.db))]);
      this.repl.host.logger.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
    } else {
      throw new Error(`Unexpected reply to PSYNC from master: ${answer}`);
    }
    this.readOffset = repl.offset;
    this.online(socket);
    await this.applyStream(socket, reader);
  }

  private online(socket: net.Socket): void {
    this.up = true;
    this.roleState = 'connected';
    this.downSince = 0;
    this.lastIo = Date.now();
    this.ackTimer = setInterval(() => this.ack(socket), 1000);
    this.ackTimer.unref();
    this.ack(socket);
  }

  private ack(socket: net.Socket): void {
    if (!socket.destroyed) socket.write(encodeWords('REPLCONF', 'ACK', String(this.repl.offset)));
  }

  private async fullSync(reader: SocketReader, replid: string, offset: number): Promise<void> {
    const repl = this.repl;
    const logger = repl.host.logger;
    this.roleState = 'sync';
    this.syncing = true;
    let header = await reader.line();
    // A primary may send newlines to keep the link alive while it prepares the payload.
    while (header === '') header = await reader.line();
    if (!/^\$\d+$/.test(header)) throw new Error(`Bad protocol from MASTER, the first byte is not '$' (we received '${header.slice(0, 60)}'); only a StrataKV primary's checkpoint payload is understood`);
    this.syncTotal = Number(header.slice(1));
    const start = reader.consumed;
    logger.notice(`MASTER <-> REPLICA sync: receiving ${this.syncTotal} bytes from master to disk`);
    const incoming = path.join(repl.dir, 'incoming');
    const progress: ByteSource = {
      line: async () => { const l = await reader.line(); this.syncRead = reader.consumed - start; return l; },
      some: async (max) => { const b = await reader.some(max); this.syncRead = reader.consumed - start; return b; },
    };
    await receiveArchive(progress, this.syncTotal, incoming);
    logger.notice('MASTER <-> REPLICA sync: Loading DB in memory');
    repl.loading = true;
    try {
      await this.load(incoming);
    } finally {
      repl.loading = false;
      await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
    }
    repl.startHistory(replid, offset);
    this.syncing = false;
    logger.notice('MASTER <-> REPLICA sync: Finished with success');
  }

  /** Empties the live data, then restores every key of the checkpoint in `dir` into it. */
  private async load(dir: string): Promise<void> {
    const host = this.repl.host;
    const runner = host.commandRunner(`${this.host}:${this.port}`);
    this.runner = runner;
    await runner.run([Buffer.from('FLUSHALL')]);
    const log = (level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void => host.logger.log(level, `(full sync load) ${message}`);
    const db = await Db.open({ dir, fsync: 'no', logger: log, ...keyspaceDbOptions() });
    let loaded = 0;
    try {
      const ks = await Keyspace.open(db, { databases: host.config.databases, logger: log });
      try {
        for (let d = 0; d < host.config.databases; d++) {
          let selected = false;
          let cursor = '0';
          do {
            const page = await scanPage(ks, d, cursor, { count: 1000, pattern: null, type: null });
            cursor = page.cursor;
            for (const key of page.keys) {
              let value = ks.lookupWrite(d, key);
              while (value instanceof Promise) {
                await value;
                value = ks.lookupWrite(d, key);
              }
              if (value === null) continue;
              if (!selected) {
                await runner.run([Buffer.from('SELECT'), Buffer.from(String(d))]);
                selected = true;
              }
              const payload = sealPayload(await serializeValue(ks, d, key, value));
              const at = expireAt(value);
              const name = Buffer.from(key, 'latin1');
              await runner.run([Buffer.from('RESTORE'), name, Buffer.from(String(at === NO_EXPIRE ? 0 : at)), payload, Buffer.from('ABSTTL'), Buffer.from('REPLACE')]);
              loaded++;
            }
          } while (cursor !== '0');
        }
      } finally {
        await ks.close();
      }
    } finally {
      await db.close();
    }
    await runner.run([Buffer.from('SELECT'), Buffer.from('0')]);
    host.logger.notice(`MASTER <-> REPLICA sync: loaded ${loaded} keys`);
  }

  /** Applies the stream's commands in order; each one's bytes then count in our offset and backlog. */
  private async applyStream(socket: net.Socket, reader: SocketReader): Promise<void> {
    const repl = this.repl;
    const runner = this.runner as CommandRunner;
    for (;;) {
      const startAt = reader.consumed;
      const header = await reader.line();
      if (header === '') {
        repl.appendStream(Buffer.from('\n'));
        continue;
      }
      if (!header.startsWith('*')) throw new Error(`Bad protocol in the replication stream: ${header.slice(0, 60)}`);
      const n = Number(header.slice(1));
      const argv: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const len = await reader.line();
        if (!len.startsWith('$')) throw new Error(`Bad protocol in the replication stream: ${len.slice(0, 60)}`);
        const arg = await reader.exact(Number(len.slice(1)) + 2);
        argv.push(arg.subarray(0, arg.length - 2));
      }
      const bytes = reader.consumed - startAt;
      this.readOffset = repl.offset + bytes;
      const name = argv[0].toString('latin1').toLowerCase();
      if (name === 'replconf' && argv.length >= 2 && argv[1].toString('latin1').toLowerCase() === 'getack') {
        this.ack(socket);
      } else {
        const pending = runner.run(argv);
        if (pending !== undefined) await pending;
      }
      repl.appendStream(Buffer.concat(this.rawCommand(argv)));
      if (this.closed) return;
    }
  }

  /** The command as it came (RESP arrays re-encode byte for byte). */
  private rawCommand(argv: Buffer[]): Buffer[] {
    const out: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
    for (const a of argv) out.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
    return out;
  }
}
