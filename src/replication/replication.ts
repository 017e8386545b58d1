/**
 * Replication, as Redis does it on the wire (docs/replication.md): this server is a primary, or a
 * replica of one (REPLICAOF / the `replicaof` directive). This file holds what both roles share —
 * the replication IDs and offsets, the backlog, the stream fed by the dispatcher, INFO
 * replication and ROLE, the checks the dispatcher asks before running a command (READONLY,
 * NOREPLICAS, MASTERDOWN, LOADING) — and delegates the links: ./primary.ts serves replicas
 * (PSYNC, full sync from a checkpoint, REPLCONF ACK, WAIT), ./replica.ts follows a primary.
 *
 * IDs and offsets (Redis' PSYNC2): `replid` names the history this server's data follows and
 * `offset` is the last byte of that history it holds. A replica takes its primary's replid. When
 * a replica is promoted, its replid becomes `replid2`, valid up to `secondOffset - 1`, and a new
 * replid starts: a sibling replica that asks to continue the old history from an offset at or
 * before that point gets +CONTINUE.
 *
 * Across a clean restart the IDs survive in `<dir>/replication/state.json` (written at shutdown,
 * deleted when read at startup, so a crash never offers a stale offset): a restarted replica
 * continues with PSYNC instead of a full sync, and a restarted primary accepts its replicas at
 * exactly the offset it stopped at.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientState, CommandContext, ReplicationControl } from '../commands/types.js';
import { redisOnlyValue } from '../config/config.js';
import type { ReplyWriter } from '../protocol/reply.js';
import { binaryKey, expireAt } from '../keyspace/encoding.js';
import { Backlog } from './backlog.js';
import { dependsOnReply, encodeCommand, encodeWords, rewriteByReply, rewriteForReplicas } from './stream.js';
import { PrimarySide } from './primary.js';
import { MasterLink } from './replica.js';
import type { ReplicationCore, ReplicationHost, ReplicationStats } from './core.js';

export type { ReplicationHost } from './core.js';

export const ZERO_REPLID = '0000000000000000000000000000000000000000';
/** Sub-directory of the data directory for replication's files. */
export const REPLICATION_DIR = 'replication';
const STATE_FILE = 'state.json';


interface SavedState {
  replid: string;
  offset: number;
  db: number;
}

export class Replication implements ReplicationControl, ReplicationCore {
  replid = randomBytes(20).toString('hex');
  replid2 = ZERO_REPLID;
  /** second_repl_offset: replid2 is valid for offsets below it; -1 when there is none. */
  secondOffset = -1;
  /** master_repl_offset without a backlog (no replica ever connected). */
  private baseOffset = 0;
  backlog: Backlog | null = null;
  /** The database the stream last SELECTed; -1 forces a SELECT before the next command. */
  streamDb = -1;
  readonly stats: ReplicationStats = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 };
  readonly primary: PrimarySide;
  /** Non-null while this server is a replica. */
  link: MasterLink | null = null;
  /** A full sync's data is being loaded: clients get -LOADING. */
  loading = false;
  /** Commands of a transaction or script being propagated together (MULTI ... EXEC). */
  private group: Array<{ db: number; argv: readonly Buffer[] }> | null = null;
  private groupDepth = 0;
  private stopped = false;
  private cronTimer: NodeJS.Timeout | null = null;
  private lastPing = Date.now();
  /** Read at startup: the replid/offset a restarted replica continues from. */
  private restored: SavedState | null = null;

  constructor(readonly host: ReplicationHost) {
    this.primary = new PrimarySide(this);
    this.restored = this.readState();
    if (this.restored !== null) {
      this.replid = this.restored.replid;
      this.baseOffset = this.restored.offset;
    }
  }

  get dir(): string {
    return path.join(this.host.db.dir, REPLICATION_DIR);
  }

  get offset(): number {
    return this.backlog !== null ? this.backlog.offset : this.baseOffset;
  }

  get isReplica(): boolean {
    return this.link !== null;
  }

  /** Whether the dispatcher must ask refusal() before running commands. */
  get gated(): boolean {
    return this.loading || this.link !== null || this.minReplicasToWrite > 0;
  }

  get minReplicasToWrite(): number {
    return Number(redisOnlyValue(this.host.config, 'min-replicas-to-write') || '0');
  }

  get minReplicasMaxLag(): number {
    return Number(redisOnlyValue(this.host.config, 'min-replicas-max-lag') || '10');
  }

  get backlogSize(): number {
    return Number(redisOnlyValue(this.host.config, 'repl-backlog-size') || '1048576');
  }

  flag(name: string): boolean {
    return redisOnlyValue(this.host.config, name) !== 'no';
  }

  /** Starts following the `replicaof` directive, if any, and the once-a-second checks. */
  start(): void {
    this.cronTimer = setInterval(() => this.cron(), 1000);
    this.cronTimer.unref();
    const words = redisOnlyValue(this.host.config, 'replicaof').trim().split(/\s+/);
    if (words.length === 2 && /^\d+$/.test(words[1])) this.follow(words[0], Number(words[1]), this.restored);
    this.restored = null;
  }

  /** Stops every link (shutdown) and keeps the IDs for the next start. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.primary.closeAll();
    const db = this.link !== null ? this.link.streamDb : -1;
    if (this.link !== null) this.link.close();
    this.link = null;
    this.writeState({ replid: this.replid, offset: this.offset, db });
  }

  /**
   * Once a second, as Redis' replicationCron: a PING into the stream every
   * repl-ping-replica-period seconds while replicas are connected (so an idle primary still
   * shows it is alive), and links silent for repl-timeout seconds dropped on both sides.
   */
  private cron(): void {
    const now = Date.now();
    const timeoutMs = Number(redisOnlyValue(this.host.config, 'repl-timeout') || '60') * 1000;
    if (this.link === null) {
      const period = Number(redisOnlyValue(this.host.config, 'repl-ping-replica-period') || '10') * 1000;
      if (this.primary.onlineLinks().length > 0 && now - this.lastPing >= period) {
        this.lastPing = now;
        this.appendStream(encodeWords('PING'));
      }
      this.primary.dropSilent(now, timeoutMs);
    } else {
      this.link.checkTimeout(now, timeoutMs);
    }
  }

  // ------------------------------------------------------------------ the stream

  /** The backlog, made when the first replica connects (or a replica starts following), starting at the current offset. */
  ensureBacklog(): Backlog {
    if (this.backlog === null) this.backlog = new Backlog(this.backlogSize, this.baseOffset);
    this.backlog.size = this.backlogSize;
    return this.backlog;
  }

  /** The primary's history from a full sync: its replid, and a fresh backlog from `offset`. */
  startHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
    this.baseOffset = offset;
    this.backlog = null;
    this.ensureBacklog();
  }

  /** A new history (promotion, first start): the old replid stays valid up to the current offset. */
  shiftReplid(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = randomBytes(20).toString('hex');
  }

  /** Appends bytes to the stream: the backlog and every replica link. */
  appendStream(bytes: Buffer): void {
    if (this.backlog === null) return;
    this.backlog.append(bytes);
    this.primary.send(bytes);
  }

  /** Opens a group (EXEC, a script): its writes go out as one MULTI ... EXEC. */
  beginGroup(): void {
    if (this.groupDepth++ === 0) this.group = [];
  }

  endGroup(): void {
    if (--this.groupDepth > 0) return;
    const group = this.group;
    this.group = null;
    if (group === null || group.length === 0) return;
    if (group.length === 1) {
      this.emit(group[0].db, group[0].argv);
      return;
    }
    this.selectDb(group[0].db);
    this.appendStream(encodeWords('MULTI'));
    for (const c of group) this.emit(c.db, c.argv);
    this.appendStream(encodeWords('EXEC'));
  }

  /**
   * A write command that changed the data (the dispatcher calls this). `now`: when it ran;
   * `reply`: its reply's bytes (still in the client's reply buffer), for the rewrites that need them.
   */
  propagate(db: number, argv: readonly Buffer[], now: number, reply: () => Buffer | null): void {
    if (this.link !== null || this.backlog === null) return;
    const out = dependsOnReply(argv) ? rewriteByReply(argv, reply()) : rewriteForReplicas(argv, now, (key) => this.storedExpire(db, key));
    if (this.group !== null) this.group.push({ db, argv: out.map((a) => Buffer.from(a)) });
    else this.emit(db, out);
  }

  /** The expire time a write just stored (its value is in the memtable, so the read is synchronous). */
  private storedExpire(db: number, key: Buffer): number | null | undefined {
    const value = this.host.db.get(this.host.keyspace.dataKey(db, binaryKey(key)));
    if (value instanceof Promise) return undefined;
    if (value === undefined) return null;
    return expireAt(value);
  }

  /** A key expired (lazily or by the expiry cycle): replicas get a DEL, as Redis sends. */
  keyExpired(db: number, key: Buffer): void {
    if (this.link !== null || this.backlog === null) return;
    const argv = [Buffer.from('DEL'), key];
    if (this.group !== null) this.group.push({ db, argv });
    else this.emit(db, argv);
  }

  /** Hash fields the primary reclaimed because their time passed: replicas get an HDEL of them (Redis 7.4's propagation). */
  fieldsExpired(db: number, key: Buffer, fields: readonly Buffer[]): void {
    if (this.link !== null || this.backlog === null || fields.length === 0) return;
    const argv = [Buffer.from('HDEL'), key, ...fields];
    if (this.group !== null) this.group.push({ db, argv });
    else this.emit(db, argv);
  }

  private emit(db: number, argv: readonly Buffer[]): void {
    this.selectDb(db);
    this.appendStream(encodeCommand(argv));
  }

  private selectDb(db: number): void {
    if (db === this.streamDb) return;
    this.appendStream(encodeWords('SELECT', String(db)));
    this.streamDb = db;
  }

  // ------------------------------------------------------------------ the dispatcher's checks

  /** Why `client` may not run a command with these flags now (Redis' processCommand texts), or null. */
  refusal(client: ClientState, isWrite: boolean, allowedLoading: boolean, allowedStale: boolean): string | null {
    if (client.replicationRole === 'master') return null;
    if (this.loading && !allowedLoading) return 'LOADING Redis is loading the dataset in memory';
    if (this.link === null) {
      if (isWrite && this.minReplicasToWrite > 0 && this.primary.goodReplicas() < this.minReplicasToWrite) return 'NOREPLICAS Not enough good replicas to write.';
      return null;
    }
    if (isWrite && this.flag('replica-read-only')) return "READONLY You can't write against a read only replica.";
    if (!allowedStale && !this.link.up && !this.flag('replica-serve-stale-data')) {
      return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    }
    return null;
  }

  // ------------------------------------------------------------------ roles

  replicaOf(host: string, port: number): string | null {
    if (this.link !== null && this.link.host === host && this.link.port === port) return 'Already connected to specified master';
    // A former primary continues the history it has: a partial resync is possible after a failover.
    const own: SavedState = { replid: this.replid, offset: this.offset, db: this.link === null ? this.streamDb : this.link.streamDb };
    if (this.link !== null) this.link.close();
    this.link = null;
    this.primary.closeAll();
    this.host.config.redisOnly.replicaof = `${host} ${port}`;
    this.host.logger.notice(`Connecting to MASTER ${host}:${port}`);
    this.follow(host, port, own);
    return null;
  }

  promote(): void {
    if (this.link === null) return;
    const link = this.link;
    this.link = null;
    link.close();
    this.host.config.redisOnly.replicaof = '';
    this.shiftReplid();
    this.streamDb = -1;
    this.host.logger.notice(`MASTER MODE enabled (user request from '${link.host}:${link.port}' link dropped; new replication ID ${this.replid}, old one ${this.replid2} valid up to offset ${this.secondOffset - 1})`);
  }

  private follow(host: string, port: number, from: SavedState | null): void {
    this.link = new MasterLink(this, host, port, from);
    this.link.start();
  }

  // ------------------------------------------------------------------ commands

  psync(ctx: CommandContext, replid: string, offset: string, legacySync: boolean): void {
    this.primary.psync(ctx, replid, offset, legacySync);
  }

  replconf(ctx: CommandContext, argv: Buffer[]): void {
    this.primary.replconf(ctx, argv);
  }

  wait(ctx: CommandContext, numReplicas: number, timeoutMs: number): void | Promise<void> {
    return this.primary.wait(ctx, numReplicas, timeoutMs);
  }

  role(r: ReplyWriter): void {
    const link = this.link;
    if (link === null) {
      const links = this.primary.onlineLinks();
      r.arrayHeader(3);
      r.bulk('master');
      r.integer(this.offset);
      r.arrayHeader(links.length);
      for (const l of links) {
        r.arrayHeader(3);
        r.bulk(l.ip);
        r.bulk(String(l.port));
        r.bulk(String(l.ackOffset));
      }
      return;
    }
    r.arrayHeader(5);
    r.bulk('slave');
    r.bulk(link.host);
    r.integer(link.port);
    r.bulk(link.roleState);
    r.integer(link.up ? this.offset : -1);
  }

  info(): string {
    const lines: string[] = [];
    const link = this.link;
    const now = Date.now();
    if (link === null) {
      lines.push('role:master');
    } else {
      lines.push(
        'role:slave',
        `master_host:${link.host}`,
        `master_port:${link.port}`,
        `master_link_status:${link.up ? 'up' : 'down'}`,
        `master_last_io_seconds_ago:${link.up ? Math.floor((now - link.lastIo) / 1000) : -1}`,
        `master_sync_in_progress:${link.syncing ? 1 : 0}`,
        `slave_read_repl_offset:${link.readOffset}`,
        `slave_repl_offset:${this.offset}`,
      );
      if (link.syncing) {
        const total = link.syncTotal;
        const read = link.syncRead;
        lines.push(
          `master_sync_total_bytes:${total}`,
          `master_sync_read_bytes:${read}`,
          `master_sync_left_bytes:${total - read}`,
          `master_sync_perc:${(total > 0 ? (read * 100) / total : 0).toFixed(2)}`,
          `master_sync_last_io_seconds_ago:${Math.floor((now - link.lastIo) / 1000)}`,
        );
      }
      if (!link.up) lines.push(`master_link_down_since_seconds:${link.downSince === 0 ? -1 : Math.floor((now - link.downSince) / 1000)}`);
      lines.push(
        `slave_priority:${redisOnlyValue(this.host.config, 'replica-priority') || '100'}`,
        `slave_read_only:${this.flag('replica-read-only') ? 1 : 0}`,
        `replica_announced:${this.flag('replica-announced') ? 1 : 0}`,
      );
    }
    const links = this.primary.onlineOrSyncing();
    if (this.minReplicasToWrite > 0 && this.minReplicasMaxLag > 0) lines.push(`min_slaves_good_slaves:${this.primary.goodReplicas()}`);
    lines.push(`connected_slaves:${links.length}`);
    links.forEach((l, i) => lines.push(`slave${i}:ip=${l.ip},port=${l.port},state=${l.state},offset=${l.ackOffset},lag=${l.lag(now)}`));
    const backlog = this.backlog;
    lines.push(
      'master_failover_state:no-failover',
      `master_replid:${this.replid}`,
      `master_replid2:${this.replid2}`,
      `master_repl_offset:${this.offset}`,
      `second_repl_offset:${this.secondOffset}`,
      `repl_backlog_active:${backlog !== null ? 1 : 0}`,
      `repl_backlog_size:${this.backlogSize}`,
      `repl_backlog_first_byte_offset:${backlog !== null ? backlog.firstByte : 0}`,
      `repl_backlog_histlen:${backlog !== null ? backlog.histlen : 0}`,
    );
    return lines.join('\r\n');
  }

  // ------------------------------------------------------------------ state across restarts

  private readState(): SavedState | null {
    const file = path.join(this.dir, STATE_FILE);
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedState>;
      rmSync(file, { force: true });
      if (typeof parsed.replid !== 'string' || !/^[0-9a-f]{40}$/.test(parsed.replid) || typeof parsed.offset !== 'number') return null;
      return { replid: parsed.replid, offset: parsed.offset, db: typeof parsed.db === 'number' ? parsed.db : -1 };
    } catch {
      return null;
    }
  }

  private writeState(state: SavedState): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path.join(this.dir, STATE_FILE), JSON.stringify(state));
    } catch (err) {
      this.host.logger.warning(`Could not keep the replication state in ${this.dir}: ${(err as Error).message}`);
    }
  }
}
