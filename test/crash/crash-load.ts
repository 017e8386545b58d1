/**
 * The crash loop's write load: many connections, each keeping a few commands in flight (so the
 * server's group commit has company), mixing SET, MSET, INCR and MULTI/EXEC; beside them, the
 * collection clients of crash-collections.ts (hashes, sets, sorted sets, one op in flight each). Every command is
 * filed in the cycle's ledger when sent and acknowledged there when its reply is read; the load
 * never resends anything, so after a kill the ledger knows exactly what was acknowledged.
 */
import { mulberry32 } from '../support/prng.js';
import { CycleLedger, OpKind, counterKey } from './crash-ledger.js';
import { RespConnection, encodeCommand, type ReplySink, type RespValue } from './crash-resp.js';
import { collectionClients, type CollectionClient, type CollectionModel } from './crash-collections.js';

export interface LoadOptions {
  readonly clients: number;
  /** Commands each connection keeps in flight. */
  readonly depth: number;
  /** Shared counters the INCRs spread over. */
  readonly counters: number;
  readonly seed: number;
}

/** What a queued reply is for: the op's final reply, or a MULTI/QUEUED step inside a transaction. */
const enum ReplyRole {
  Final = 0,
  TransactionStep = 1,
}

class LoadClient implements ReplySink {
  private readonly random: () => number;
  private readonly replyOps: number[] = [];
  private readonly replyRoles: ReplyRole[] = [];
  private head = 0;
  private opsInFlight = 0;
  private pumpScheduled = false;
  private readonly pumpLater = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };
  connection: RespConnection | null = null;
  closed = false;

  constructor(
    private readonly ledger: CycleLedger,
    private readonly options: LoadOptions,
    seed: number,
    private readonly onClosed: () => void,
  ) {
    this.random = mulberry32(seed);
  }

  pump(): void {
    const connection = this.connection;
    if (connection === null || !connection.isOpen) return;
    let encoded = '';
    while (this.opsInFlight < this.options.depth) {
      encoded += this.nextCommand();
      this.opsInFlight++;
    }
    if (encoded.length > 0) connection.send(encoded);
  }

  onReply(_connection: RespConnection, reply: RespValue): void {
    const at = performance.now();
    const op = this.replyOps[this.head];
    const role = this.replyRoles[this.head];
    this.head++;
    if (this.head === this.replyOps.length) {
      this.head = 0;
      this.replyOps.length = 0;
      this.replyRoles.length = 0;
    }
    if (role === ReplyRole.TransactionStep) {
      if (reply !== 'OK' && reply !== 'QUEUED') this.ledger.acknowledge(op, reply, at);
      return;
    }
    this.ledger.acknowledge(op, reply, at);
    this.opsInFlight--;
    // One write per event-loop turn, not one per reply.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(this.pumpLater);
    }
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
  }

  private expect(op: number, role: ReplyRole): void {
    this.replyOps.push(op);
    this.replyRoles.push(role);
  }

  private nextCommand(): string {
    const ledger = this.ledger;
    const roll = this.random();
    if (roll < 0.4) {
      const op = ledger.add(OpKind.Set, 1, 0);
      this.expect(op, ReplyRole.Final);
      return encodeCommand(['SET', ledger.key(op, 0), ledger.value(op, 0)]);
    }
    if (roll < 0.6) {
      const width = 2 + Math.floor(this.random() * 4);
      const op = ledger.add(OpKind.MSet, width, 0);
      const args = ['MSET'];
      for (let j = 0; j < width; j++) args.push(ledger.key(op, j), ledger.value(op, j));
      this.expect(op, ReplyRole.Final);
      return encodeCommand(args);
    }
    const counter = Math.floor(this.random() * this.options.counters);
    if (roll < 0.85) {
      const op = ledger.add(OpKind.Incr, 0, counter);
      this.expect(op, ReplyRole.Final);
      return encodeCommand(['INCR', counterKey(counter)]);
    }
    const width = 2 + Math.floor(this.random() * 3);
    const op = ledger.add(OpKind.Multi, width, counter);
    let encoded = encodeCommand(['MULTI']);
    this.expect(op, ReplyRole.TransactionStep);
    for (let j = 0; j < width; j++) {
      encoded += encodeCommand(['SET', ledger.key(op, j), ledger.value(op, j)]);
      this.expect(op, ReplyRole.TransactionStep);
    }
    encoded += encodeCommand(['INCR', counterKey(counter)]);
    this.expect(op, ReplyRole.TransactionStep);
    encoded += encodeCommand(['EXEC']);
    this.expect(op, ReplyRole.Final);
    return encoded;
  }
}

/** Runs the load against `port` until the server goes away; `finished` resolves once every connection closed. */
export class WriteLoad {
  private readonly clients: LoadClient[] = [];
  /** The collection clients of this cycle (none without a model). */
  readonly collectionClients: CollectionClient[];
  private openClients = 0;
  private resolveFinished: () => void = () => undefined;
  readonly finished: Promise<void>;

  constructor(ledger: CycleLedger, options: LoadOptions, collections?: CollectionModel) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    const onClosed = (): void => {
      this.openClients--;
      if (this.openClients === 0) this.resolveFinished();
    };
    for (let i = 0; i < options.clients; i++) {
      this.clients.push(new LoadClient(ledger, options, (options.seed * 1009 + i * 7919 + ledger.cycle * 104729) >>> 0, onClosed));
    }
    this.collectionClients = collections === undefined ? [] : collectionClients(collections, ledger.cycle, options.seed, onClosed);
  }

  /** Connects every client and starts them writing. */
  async start(port: number): Promise<void> {
    await Promise.all(
      [...this.clients, ...this.collectionClients].map(async (client) => {
        client.connection = await RespConnection.connect(port, client);
        this.openClients++;
      }),
    );
    for (const client of this.clients) client.pump();
    for (const client of this.collectionClients) client.pump();
  }

  /** Drops every connection (used when a cycle is abandoned). */
  close(): void {
    for (const client of [...this.clients, ...this.collectionClients]) client.connection?.close();
  }
}
