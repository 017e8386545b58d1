/**
 * The primary's side: replica links. A replica connects as a client, says REPLCONF
 * listening-port / capa, then PSYNC <replid> <offset>:
 * - +CONTINUE <replid> when the backlog still holds everything after its offset (and the replid
 *   is ours, or our replid2 up to second_repl_offset): the missing bytes follow, then the stream;
 * - +FULLRESYNC <replid> <offset> otherwise: a checkpoint of the data is taken in the same
 *   synchronous step as <offset> is read (Db.checkpoint captures the data before its first await),
 *   so the checkpoint is exactly the data at that offset. While it is written and sent
 *   (`$<length>\r\n` then the archive of ./archive.ts, read from the files chunk by chunk, with the
 *   connection's backpressure), the stream's new bytes wait in the link, and go after it.
 * Then the replica sends REPLCONF ACK <offset> every second; WAIT counts replicas whose ACK has
 * reached the offset of the writes before it, asking for ACKs with REPLCONF GETACK *.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../commands/types.js';
import { archiveChunks, archiveLayout } from './archive.js';
import type { ReplicaConnection, ReplicationCore } from './core.js';
import { encodeWords } from './stream.js';

/** What a replica link needs of the client connection it runs on (src/server/connection.ts). */

/** Unsent bytes at which the full-sync sender waits for the socket. */
const SEND_PAUSE_BYTES = 4 * 1024 * 1024;

type LinkState = 'wait_bgsave' | 'send_bulk' | 'online';

export class ReplicaLink {
  state: LinkState = 'wait_bgsave';
  ackOffset = 0;
  ackTime = Date.now();
  /** Stream bytes that arrived while the payload was being sent. */
  pending: Buffer[] | null = [];

  constructor(readonly clientId: number, readonly conn: ReplicaConnection, readonly ip: string, readonly port: number) {}

  lag(now: number): number {
    return Math.floor((now - this.ackTime) / 1000);
  }

  send(bytes: Buffer): void {
    if (this.pending !== null) this.pending.push(bytes);
    else this.conn.pushOutOfBand((r) => r.raw(bytes));
  }

  /** Hands over what waited during the payload; the link is live from here on. */
  goOnline(): void {
    const pending = this.pending ?? [];
    this.pending = null;
    this.state = 'online';
    this.ackTime = Date.now();
    if (pending.length > 0) this.conn.pushOutOfBand((r) => { for (const b of pending) r.raw(b); });
  }
}

interface Handshake {
  port: number;
  ip: string | null;
}

interface Waiter {
  target: number;
  count: number;
  resolve: () => void;
}

export class PrimarySide {
  private readonly links = new Map<number, ReplicaLink>();
  private readonly handshakes = new Map<number, Handshake>();
  private waiters: Waiter[] = [];
  private getackQueued = false;

  constructor(private readonly repl: ReplicationCore) {}

  onlineLinks(): ReplicaLink[] {
    return [...this.links.values()].filter((l) => l.state === 'online');
  }

  onlineOrSyncing(): ReplicaLink[] {
    return [...this.links.values()];
  }

  /** Online replicas whose last ACK is within min-replicas-max-lag seconds. */
  goodReplicas(): number {
    const now = Date.now();
    const maxLag = this.repl.minReplicasMaxLag;
    let n = 0;
    for (const l of this.links.values()) if (l.state === 'online' && l.lag(now) <= maxLag) n++;
    return n;
  }

  send(bytes: Buffer): void {
    for (const l of this.links.values()) l.send(bytes);
  }

  /** Online replicas that sent no ACK for repl-timeout are disconnected (Redis: "Disconnecting timedout replica"). */
  dropSilent(now: number, timeoutMs: number): void {
    for (const l of [...this.links.values()]) {
      if (l.state !== 'online' || now - l.ackTime <= timeoutMs) continue;
      this.repl.host.logger.warning(`Disconnecting timedout replica (streaming sync): ${l.ip}:${l.port}`);
      this.links.delete(l.clientId);
      l.conn.destroy();
    }
  }

  closeAll(): void {
    for (const l of this.links.values()) l.conn.destroy();
    this.links.clear();
    this.handshakes.clear();
    this.wakeWaiters(true);
  }

  clientClosed(id: number): void {
    this.handshakes.delete(id);
    if (this.links.delete(id)) this.repl.host.logger.notice(`Connection with replica client id #${id} lost.`);
  }

  // ------------------------------------------------------------------ REPLCONF

  replconf(ctx: CommandContext, argv: Buffer[]): void {
    if (argv.length % 2 === 0) return ctx.reply.error('ERR syntax error');
    const id = ctx.client.id;
    for (let i = 1; i < argv.length; i += 2) {
      const option = argv[i].toString('latin1').toLowerCase();
      const value = argv[i + 1].toString('latin1');
      switch (option) {
        case 'listening-port': {
          const port = Number(value);
          if (!/^\d+$/.test(value) || port > 65535) return ctx.reply.error('ERR value is not an integer or out of range');
          this.handshake(id).port = port;
          break;
        }
        case 'ip-address':
          this.handshake(id).ip = value;
          break;
        case 'capa':
        case 'rdb-only':
        case 'rdb-filter-only':
          break;
        case 'ack': {
          // No reply: the ACK arrives on the replication link, which carries no replies back.
          const link = this.links.get(id);
          const offset = Number(value);
          if (link !== undefined && Number.isFinite(offset)) {
            if (offset > link.ackOffset) link.ackOffset = offset;
            link.ackTime = Date.now();
            this.wakeWaiters(false);
          }
          return;
        }
        case 'getack':
          // Sent by a primary to its replica; ./replica.ts answers it in the stream. From a client: ignored, as Redis does.
          return;
        default:
          return ctx.reply.error(`ERR Unrecognized REPLCONF option: ${argv[i].toString('latin1')}`);
      }
    }
    ctx.reply.ok();
  }

  private handshake(id: number): Handshake {
    let h = this.handshakes.get(id);
    if (h === undefined) {
      h = { port: 0, ip: null };
      this.handshakes.set(id, h);
    }
    return h;
  }

  // ------------------------------------------------------------------ PSYNC / SYNC

  psync(ctx: CommandContext, replid: string, offsetArg: string, legacySync: boolean): void {
    const repl = this.repl;
    const client = ctx.client;
    if (repl.link !== null && !repl.link.up) return ctx.reply.error("NOMASTERLINK Can't SYNC while not connected with my master");
    if (repl.link !== null) return ctx.reply.error('ERR replicas of a replica (chained replication) are not served yet');
    if (client.replicationRole === 'replica') return undefined;
    const conn = repl.host.connection(client.id);
    if (conn === undefined) return ctx.reply.error('ERR PSYNC needs a connection');
    const hs = this.handshakes.get(client.id);
    this.handshakes.delete(client.id);
    const addr = client.addr.slice(0, client.addr.lastIndexOf(':'));
    const link = new ReplicaLink(client.id, conn, hs?.ip ?? addr.replace(/^::ffff:/, ''), hs?.port ?? 0);
    client.replicationRole = 'replica';
    const backlog = repl.ensureBacklog();
    if (!legacySync) {
      const offset = Number(offsetArg);
      const known = replid === repl.replid || (replid === repl.replid2 && offset <= repl.secondOffset);
      const missing = known && Number.isInteger(offset) ? backlog.since(offset - 1) : null;
      if (missing !== null) {
        ctx.reply.simple(`CONTINUE ${repl.replid}`);
        for (const b of missing) ctx.reply.raw(b);
        link.ackOffset = offset - 1;
        this.links.set(client.id, link);
        link.goOnline();
        repl.stats.syncPartialOk++;
        repl.host.logger.notice(`Partial resynchronization request from ${link.ip}:${link.port} accepted. Sending ${repl.offset - offset + 1} bytes of backlog starting from offset ${offset}.`);
        return;
      }
      if (replid !== '?') repl.stats.syncPartialErr++;
    }
    repl.stats.syncFull++;
    const startOffset = repl.offset;
    // The replica starts in database 0 after loading; the next command SELECTs.
    repl.streamDb = -1;
    const dir = path.join(repl.dir, `sync-${Date.now()}-${client.id}`);
    // Same synchronous step as startOffset: the checkpoint is the data at that offset.
    const checkpoint = repl.host.db.checkpoint(dir);
    if (!legacySync) ctx.reply.simple(`FULLRESYNC ${repl.replid} ${startOffset}`);
    link.ackOffset = 0;
    this.links.set(client.id, link);
    repl.host.logger.notice(`Full resync requested by replica ${link.ip}:${link.port}: sending a checkpoint at offset ${startOffset}`);
    void this.sendCheckpoint(link, checkpoint.then((info) => info.dir), dir);
  }

  private async sendCheckpoint(link: ReplicaLink, ready: Promise<string>, dir: string): Promise<void> {
    const logger = this.repl.host.logger;
    try {
      const checkpointDir = await ready;
      link.state = 'send_bulk';
      const { files, length } = await archiveLayout(checkpointDir);
      link.conn.pushOutOfBand((r) => r.raw(Buffer.from(`$${length}\r\n`)));
      for await (const chunk of archiveChunks(checkpointDir, files)) {
        if (link.conn.isClosed) throw new Error('the replica disconnected');
        link.conn.pushOutOfBand((r) => r.raw(chunk));
        while (link.conn.outputBytes > SEND_PAUSE_BYTES && !link.conn.isClosed) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (this.links.get(link.clientId) !== link) return;
      link.goOnline();
      logger.notice(`Synchronization with replica ${link.ip}:${link.port} succeeded (${length} bytes)`);
    } catch (err) {
      logger.warning(`Full sync of replica ${link.ip}:${link.port} failed: ${(err as Error).message}`);
      this.links.delete(link.clientId);
      link.conn.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  // ------------------------------------------------------------------ WAIT

  wait(ctx: CommandContext, numReplicas: number, timeoutMs: number): void | Promise<void> {
    const target = this.repl.offset;
    const acked = this.acked(target);
    if (acked >= numReplicas || timeoutMs < 0) {
      ctx.reply.integer(acked);
      return;
    }
    this.requestAcks();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { target, count: numReplicas, resolve: () => resolve() };
      let timer: NodeJS.Timeout | null = null;
      waiter.resolve = () => {
        if (timer !== null) clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        ctx.reply.integer(this.acked(target));
        resolve();
      };
      this.waiters.push(waiter);
      if (timeoutMs > 0) timer = setTimeout(() => waiter.resolve(), timeoutMs);
    });
  }

  private acked(target: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === 'online' && l.ackOffset >= target) n++;
    return n;
  }

  /** REPLCONF GETACK * into the stream, once per tick however many WAITs ask (as Redis' beforeSleep). */
  private requestAcks(): void {
    if (this.getackQueued) return;
    this.getackQueued = true;
    setImmediate(() => {
      this.getackQueued = false;
      this.repl.appendStream(encodeWords('REPLCONF', 'GETACK', '*'));
    });
  }

  private wakeWaiters(all: boolean): void {
    for (const w of [...this.waiters]) if (all || this.acked(w.target) >= w.count) w.resolve();
  }
}
