/**
 * Server-assisted client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c does it.
 *
 * Two modes per client:
 * - default: the keys a tracking client reads (commands flagged readonly) are remembered in one
 *   table, key -> ids of the clients that may hold it. When a key is modified (written, deleted,
 *   expired) each of them is sent one invalidation and the key leaves the table: a client is told
 *   once per read, as in Redis. With OPTIN only the command after CLIENT CACHING YES is
 *   remembered; with OPTOUT all but the command after CLIENT CACHING NO.
 * - BCAST: nothing is remembered; a client names key prefixes ('' = every key) and is told of
 *   every modified key under them, collected during one turn of the event loop and sent as one
 *   array per prefix afterwards (Redis sends them before it sleeps).
 * Keys are names without a database, as in Redis: a write to `k` in db 1 invalidates `k` read in db 0.
 *
 * Messages: RESP3 `>2 invalidate [keys]` on the client's own connection, or to the REDIRECT client:
 * a RESP3 push there, or, for a RESP2 client in Pub/Sub mode, a `message` on `__redis__:invalidate`
 * (RESP2 connections cannot receive anything else). FLUSHDB/FLUSHALL send a null instead of keys
 * to every tracking client. A redirect target that has gone leaves the client flagged
 * broken_redirect, with a `tracking-redir-broken` push to RESP3 clients at each would-be message.
 *
 * A client's own writes: its invalidations go after the command's reply (queued until the
 * dispatcher calls afterCommand), and NOLOOP drops them.
 *
 * Memory: the table holds at most `maxKeys` keys (tracking-table-max-keys, 0 = no limit); past it
 * the oldest keys are invalidated as if modified, as Redis evicts.
 */
import { PushMessage, type Subscriber } from './hub.js';

/** The Pub/Sub channel RESP2 redirect targets receive invalidations on. */
export const TRACKING_CHANNEL = '__redis__:invalidate';

/** How CLIENT TRACKING ON was given. */
export interface TrackingOptions {
  /** Client id to send messages to; 0: this client. */
  readonly redirect: number;
  readonly bcast: boolean;
  readonly optin: boolean;
  readonly optout: boolean;
  readonly noloop: boolean;
  /** BCAST prefixes as latin1 strings (one char per byte). */
  readonly prefixes: readonly string[];
}

/** One client's tracking state (CLIENT TRACKINGINFO shows it). */
export class ClientTracking {
  /** CLIENT CACHING YES (optin) / NO (optout) given for the next command. */
  caching = false;
  brokenRedirect = false;
  readonly prefixes = new Set<string>();

  constructor(
    readonly redirect: number,
    readonly bcast: boolean,
    readonly optin: boolean,
    readonly optout: boolean,
    readonly noloop: boolean,
  ) {}

  /** CLIENT TRACKINGINFO's flags, in Redis' order. */
  flags(): string[] {
    const f = ['on'];
    if (this.bcast) f.push('bcast');
    if (this.optin) f.push('optin');
    if (this.optout) f.push('optout');
    if (this.caching) f.push(this.optin ? 'caching-yes' : 'caching-no');
    if (this.noloop) f.push('noloop');
    if (this.brokenRedirect) f.push('broken_redirect');
    return f;
  }
}

/** What tracking needs of a client. */
export interface TrackingClient extends Subscriber {
  readonly id: number;
  readonly resp: 2 | 3;
  tracking: ClientTracking | null;
}

/** The clients of one BCAST prefix and the keys under it modified in this turn (key -> last modifier). */
interface PrefixState {
  readonly clients: Set<TrackingClient>;
  keys: Map<string, TrackingClient | null>;
}

export class Tracking {
  /** Key -> ids of the clients that may cache it, oldest key first. */
  private readonly table = new Map<string, Set<number>>();
  private items = 0;
  private readonly prefixTable = new Map<string, PrefixState>();
  private broadcastScheduled = false;
  /** Invalidations of the running command's own client, sent after its reply (null: everything). */
  private readonly pending = new Map<TrackingClient, (string | null)[]>();
  /** Clients with tracking on. */
  private readonly trackers = new Set<TrackingClient>();
  /** tracking-table-max-keys; 0: no limit. */
  maxKeys = 1_000_000;

  constructor(
    /** A connected client by id (redirect targets). */
    private readonly lookup: (id: number) => TrackingClient | undefined,
    /** The client whose command is running, if any (Redis' current_client). */
    private readonly current: () => TrackingClient | null,
  ) {}

  /** Clients with tracking on (INFO tracking_clients). */
  get clients(): number {
    return this.trackers.size;
  }

  get totalKeys(): number {
    return this.table.size;
  }

  get totalItems(): number {
    return this.items;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  /**
   * The error CLIENT TRACKING ON would give for these prefixes (overlapping each other or the
   * client's), or null. Two prefixes overlap when one starts the other.
   */
  prefixConflict(c: TrackingClient, prefixes: readonly string[]): string | null {
    const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
    for (let i = 0; i < prefixes.length; i++) {
      for (const mine of c.tracking?.prefixes ?? []) {
        if (overlap(mine, prefixes[i])) return `ERR Prefix '${prefixes[i]}' overlaps with an existing prefix '${mine}'. Prefixes for a single client must not overlap.`;
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlap(prefixes[i], prefixes[j])) return `ERR Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`;
      }
    }
    return null;
  }

  /** CLIENT TRACKING ON (the options already checked). Turning it on again keeps BCAST prefixes and adds to them. */
  enable(c: TrackingClient, o: TrackingOptions): void {
    const before = c.tracking;
    this.trackers.add(c);
    const t = new ClientTracking(o.redirect, o.bcast, o.optin, o.optout, o.noloop);
    if (before !== null) {
      t.caching = before.caching;
      for (const p of before.prefixes) t.prefixes.add(p);
    }
    c.tracking = t;
    if (!o.bcast) return;
    const prefixes = o.prefixes.length === 0 ? [''] : o.prefixes;
    for (const p of prefixes) {
      let state = this.prefixTable.get(p);
      if (state === undefined) {
        state = { clients: new Set(), keys: new Map() };
        this.prefixTable.set(p, state);
      }
      state.clients.add(c);
      t.prefixes.add(p);
    }
  }

  /** CLIENT TRACKING OFF, RESET, or the client going away. Its ids in the table go lazily, as in Redis. */
  disable(c: TrackingClient): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const state = this.prefixTable.get(p);
      if (state === undefined) continue;
      state.clients.delete(c);
      if (state.clients.size === 0) this.prefixTable.delete(p);
    }
    c.tracking = null;
    this.trackers.delete(c);
    this.pending.delete(c);
  }

  /** After a readonly command of `c` (not BCAST): remember the keys it read, unless OPTIN/OPTOUT say not to. */
  remember(c: TrackingClient, keys: readonly Buffer[]): void {
    const t = c.tracking;
    if (t === null || t.bcast || keys.length === 0) return;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    for (const key of keys) {
      const name = key.toString('latin1');
      let ids = this.table.get(name);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(name, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.evict();
  }

  /** A key was written, deleted or expired (Redis' trackingInvalidateKey from signalModifiedKey). */
  keyModified(key: string): void {
    if (this.prefixTable.size !== 0) this.rememberForBroadcast(key);
    if (this.table.size === 0) return;
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.items -= ids.size;
    const current = this.current();
    for (const id of ids) {
      const target = this.lookup(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target === current) {
        if (!target.tracking.noloop) this.queue(target, key);
        continue;
      }
      this.send(target, [key], null);
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client is told "everything" (a null), and the table empties. */
  flushed(): void {
    if (this.trackers.size > 0) {
      const current = this.current();
      for (const c of this.trackers) {
        if (c === current) this.queue(c, null);
        else this.send(c, null, null);
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /**
   * The end of a top-level command of `c`: its own invalidations go out after its reply, and the
   * CLIENT CACHING flag is spent (not by MULTI's queueing or a CLIENT subcommand).
   */
  afterCommand(c: TrackingClient, keepCaching: boolean): void {
    const t = c.tracking;
    if (t === null) return;
    if (!keepCaching) t.caching = false;
    const keys = this.pending.get(c);
    if (keys === undefined) return;
    this.pending.delete(c);
    for (const key of keys) this.send(c, key === null ? null : [key], c);
  }

  // ------------------------------------------------------------------------------------------

  private queue(c: TrackingClient, key: string | null): void {
    const list = this.pending.get(c);
    if (list === undefined) this.pending.set(c, [key]);
    else list.push(key);
  }

  /**
   * Sends one invalidation about `keys` (null: all keys) for tracking client `c`, to it or to its
   * redirect target. `publisher`: the client whose command is sending it (then it belongs in
   * place in that client's reply stream).
   */
  private send(c: TrackingClient, keys: readonly string[] | null, publisher: TrackingClient | null): void {
    const t = c.tracking;
    if (t === null) return;
    let target = c;
    let redirected = false;
    if (t.redirect !== 0) {
      const r = this.lookup(t.redirect);
      if (r === undefined) {
        t.brokenRedirect = true;
        if (c.resp === 3) c.deliver(new PushMessage(['tracking-redir-broken', t.redirect]), publisher);
        return;
      }
      target = r;
      redirected = true;
    }
    // A flush's null is written in the tracking client's protocol, wherever it goes (as Redis does).
    if (target.resp === 3) target.deliver(new InvalidationMessage(keys, false, c.resp), publisher === target ? target : null);
    else if (redirected && target.subscriptions.active) target.deliver(new InvalidationMessage(keys, true, c.resp), publisher === target ? target : null);
  }

  private rememberForBroadcast(key: string): void {
    const by = this.current();
    for (const [prefix, state] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      // Deleted and set again so that the order is the order of the last modifications.
      state.keys.delete(key);
      state.keys.set(key, by);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** Once per turn of the event loop: each BCAST prefix's modified keys to its clients. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    for (const state of this.prefixTable.values()) {
      if (state.keys.size === 0) continue;
      const modified = state.keys;
      state.keys = new Map();
      const all = [...modified.keys()];
      for (const c of state.clients) {
        if (c.tracking === null) continue;
        const keys = c.tracking.noloop ? all.filter((k) => modified.get(k) !== c) : all;
        if (keys.length > 0) this.send(c, keys, null);
      }
    }
  }

  /** Over tracking-table-max-keys: the oldest keys are invalidated as if modified. */
  private evict(): void {
    for (const key of this.table.keys()) {
      if (this.table.size <= this.maxKeys) return;
      this.keyModified(key);
    }
  }
}

/**
 * An invalidation: RESP3 `>2 $10 invalidate <keys>` or, to a RESP2 Pub/Sub client,
 * `*3 message __redis__:invalidate <keys>`; keys are an array of bulk strings, or a null (in the
 * tracking client's protocol: `_` or `$-1`).
 */
class InvalidationMessage extends PushMessage {
  private bytes: Buffer | null = null;

  constructor(private readonly keys: readonly string[] | null, private readonly asPubSub: boolean, private readonly nullResp: 2 | 3) {
    super([]);
  }

  override encoded(): Buffer {
    if (this.bytes !== null) return this.bytes;
    let out = this.asPubSub ? `*3\r\n$7\r\nmessage\r\n$${TRACKING_CHANNEL.length}\r\n${TRACKING_CHANNEL}\r\n` : '>2\r\n$10\r\ninvalidate\r\n';
    if (this.keys === null) out += this.nullResp === 3 ? '_\r\n' : '$-1\r\n';
    else {
      out += `*${this.keys.length}\r\n`;
      for (const k of this.keys) out += `$${k.length}\r\n${k}\r\n`;
    }
    this.bytes = Buffer.from(out, 'latin1');
    return this.bytes;
  }
}
