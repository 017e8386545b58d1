/**
 * One client connection: socket → RequestParser → Dispatcher → ReplyWriter → one socket write per
 * read batch.
 *
 * Ordering: requests run in arrival order. While one is in flight (its handler is waiting for the
 * disk) or while the connection waits for its replies to become sendable (DurabilityBarrier),
 * later requests queue; nothing of this connection runs out of order, and other connections are
 * not held up. Replies are appended to the connection's ReplyWriter and leave in one write at the
 * end of each batch.
 *
 * Backpressure: once more than OUTPUT_PAUSE_BYTES of replies are unsent, the connection stops
 * running requests and stops reading until the socket drains, so a client that pipelines without
 * reading holds at most about that much of our memory (plus one reply). Beyond that,
 * client-output-buffer-limit applies as in Redis: over the hard limit (one huge reply), or over the
 * soft limit for too long, the client is disconnected. Unparsed input beyond
 * client-query-buffer-limit disconnects too.
 *
 * Pub/Sub: a published message is appended to the reply stream at once, unless a request of this
 * connection is in flight and has begun its reply: then it waits beside the stream until that
 * request is done (a push in the middle of a reply would break the framing). A
 * subscribed client is held to the `pubsub` class of client-output-buffer-limit, checked as each
 * message arrives, so a subscriber that does not read is dropped before it holds more than the
 * hard limit, however fast the publishers are.
 */
import type net from 'node:net';
import type { ClientState, CommandContext, ReplyMode, ServerContext } from '../commands/types.js';
import { ClientSession } from '../commands/client-session.js';
import { ReplyWriter } from '../protocol/reply.js';
import { RequestParser, type ParserLimits, type RequestSink } from '../protocol/request-parser.js';
import type { BarrierWaiter, DurabilityBarrier } from './durability.js';
import type { Dispatcher } from './dispatcher.js';
import type { PushMessage, Subscriber } from '../pubsub/hub.js';
import type { OutputBufferLimit } from '../config/config.js';

/** Unsent reply bytes at which we stop reading from the client until the socket drains. */
const OUTPUT_PAUSE_BYTES = 1024 * 1024;
/** Queued requests at which we stop reading while one is in flight. */
const QUEUE_PAUSE_REQUESTS = 4096;
/** Longest wait, after a close we initiate, for the peer to stop sending and close its side. */
const LINGER_MS = 2000;

/** What a connection needs from the server that owns it. */
export interface ConnectionOwner {
  readonly context: ServerContext;
  readonly dispatcher: Dispatcher;
  readonly barrier: DurabilityBarrier;
  /** Shared by every connection's parser, so CONFIG SET proto-max-bulk-len reaches open connections too. */
  readonly parserLimits: ParserLimits;
  /** A clock updated by the server's housekeeping tick: good enough for idle times, free to read. */
  readonly coarseNow: number;
  connectionClosed(conn: Connection): void;
}

export class Connection extends ClientSession implements ClientState, RequestSink, BarrierWaiter {
  // ---- ClientState beyond the session defaults
  authenticated: boolean;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt: number;
  lastInteraction: number;
  /** MONITOR mode: receives every command; its own requests other than QUIT/RESET are refused by Redis, we just run them. */
  monitoring = false;

  readonly reply = new ReplyWriter();
  readonly ctx: CommandContext;
  private readonly parser: RequestParser;
  private readonly queue: Buffer[][] = [];
  private queueHead = 0;
  /** A request is in flight (handler, pause, write delay or lock wait). */
  private executing = false;
  /** Replies are waiting at the durability barrier. */
  private awaitingDurability = false;
  /** reply.position when the durability wait began: only bytes written before it may go out when it ends. */
  private positionAtWait = 0;
  /**
   * reply.position when the request in flight began: while it runs, only the bytes before it may
   * be sent. What it wrote so far may answer a write it has not handed to the log yet (a command
   * that writes its reply, then waits before committing), so the durability barrier cannot vouch
   * for it.
   */
  private inFlightFrom = 0;
  /** Too many unsent reply bytes: no request runs until the socket drains. */
  private outputBlocked = false;
  private closeRequested = false;
  private closed = false;
  private readingPaused = false;
  /** When the output backlog first exceeded the soft limit (0 = not exceeded). */
  private softLimitSince = 0;
  private flushScheduled = false;
  private ending = false;

  /** A protocol error that arrived while earlier requests were still running: replied after them. */
  private pendingProtocolError: string | null = null;
  /**
   * Pushes this connection's own request wrote (subscription notices, messages it published to
   * itself) while CLIENT REPLY OFF/SKIP drops that request's reply: they are kept, as in Redis.
   */
  private keptPushes: Buffer[] | null = null;
  /** Messages that arrived while a request was in flight, and their size: appended once it is done. */
  private deferredPushes: Buffer[] = [];
  private deferredBytes = 0;

  private readonly onExecDoneBound = (): void => {
    this.executing = false;
    if (this.deferredPushes.length !== 0) this.appendDeferredPushes();
    this.resume();
  };
  private readonly onDataBound = (chunk: Buffer): void => this.onData(chunk);
  private readonly onDrainBound = (): void => this.onDrain();
  private readonly onCloseBound = (): void => this.onClose();
  private readonly lingerBound = (): void => this.linger();
  private readonly destroyBound = (): void => this.destroy();
  private lingerTimer: NodeJS.Timeout | null = null;
  private readonly flushSoonBound = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(readonly id: number, private readonly socket: net.Socket, private readonly owner: ConnectionOwner) {
    super();
    const ctx = owner.context;
    this.user = ctx.acl.defaultUser;
    this.authenticated = !ctx.acl.authRequired;
    this.addr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.laddr = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    this.createdAt = Date.now();
    this.lastInteraction = this.createdAt;
    this.ctx = { client: this, server: ctx, reply: this.reply };
    this.parser = new RequestParser(this, owner.parserLimits);
    this.parser.authRequired = !this.authenticated;
    socket.setNoDelay(true);
    if (ctx.config.tcpKeepalive > 0) socket.setKeepAlive(true, ctx.config.tcpKeepalive * 1000);
    socket.on('data', this.onDataBound);
    socket.on('drain', this.onDrainBound);
    socket.on('close', this.onCloseBound);
    socket.on('error', () => { /* 'close' follows */ });
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  set resp(v: 2 | 3) {
    this.reply.resp = v;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Unsent reply bytes: in the socket plus not yet handed to it (messages waiting included). */
  get outputBytes(): number {
    return this.socket.writableLength + this.reply.pendingBytes + this.deferredBytes;
  }

  get queryBufferBytes(): number {
    return this.parser.bufferedBytes;
  }

  get pendingRequests(): number {
    return this.queue.length - this.queueHead;
  }

  closeAfterReply(): void {
    this.closeRequested = true;
    this.parser.halt();
    this.queue.length = 0;
    this.queueHead = 0;
    if (!this.executing && !this.awaitingDurability) this.scheduleFlush();
  }

  /** Closes now, dropping unsent replies (idle timeout, limits, shutdown). */
  destroy(): void {
    if (this.closed) return;
    this.parser.halt();
    this.socket.destroy();
    this.onClose();
  }

  /** Takes a published message (see the top of this file). */
  override deliver(message: PushMessage, publisher: Subscriber | null): void {
    if (this.closed || this.ending) return;
    const bytes = message.encoded(this.resp);
    if (!this.executing || publisher === this) {
      this.reply.raw(bytes);
      if (publisher === this && this.keptPushes !== null) this.keptPushes.push(bytes);
      if (!this.executing && !this.awaitingDurability) this.scheduleFlush();
    } else if (this.reply.position === this.inFlightFrom && this.replyMode === 'on' && this.deferredPushes.length === 0) {
      // The request in flight has written nothing yet (it waits for a pause, a lock, the disk):
      // the message goes before its reply, and may leave now.
      this.reply.raw(bytes);
      this.inFlightFrom = this.reply.position;
      if (!this.awaitingDurability) this.scheduleFlush();
    } else {
      this.deferredPushes.push(bytes);
      this.deferredBytes += bytes.length;
    }
    // Not inside this client's own command (a SUBSCRIBE's notices): closing it there would let the
    // command go on registering a closed client. Its replies are checked when they are written.
    if (publisher !== this) this.outputLimitExceeded(this.outputBytes);
  }

  /** Writes something outside the request/reply flow (MONITOR lines) and sends it soon. */
  pushOutOfBand(write: (reply: ReplyWriter) => void): void {
    if (this.closed) return;
    write(this.reply);
    if (!this.executing && !this.awaitingDurability) this.scheduleFlush();
  }

  // ---- RequestSink

  onRequest(argv: Buffer[]): void {
    if (this.executing || this.awaitingDurability || this.outputBlocked || this.queueHead < this.queue.length) {
      this.queue.push(argv);
      if (this.queue.length - this.queueHead >= QUEUE_PAUSE_REQUESTS) this.pauseReading();
      return;
    }
    this.run(argv);
    if (!this.executing && this.reply.pendingBytes > OUTPUT_PAUSE_BYTES) this.blockOnOutput();
  }

  onProtocolError(message: string): void {
    if (this.executing || this.awaitingDurability || this.outputBlocked || this.queueHead < this.queue.length) this.pendingProtocolError = message;
    else this.replyProtocolError(message);
  }

  /**
   * Called by the server's housekeeping tick: applies client-output-buffer-limit to a client
   * whose replies pile up while it does not read (no write happens then to check it).
   */
  checkOutputLimits(): void {
    const backlog = this.socket.writableLength;
    if (backlog > 0 || this.softLimitSince !== 0) this.outputLimitExceeded(backlog);
  }

  /** Stops running requests until the replies so far are handed to the socket and it drains. */
  private blockOnOutput(): void {
    this.outputBlocked = true;
    this.pauseReading();
  }

  private replyProtocolError(message: string): void {
    const server = this.owner.context;
    server.logger.verbose(`Protocol error (${message}) from client: id=${this.id} addr=${this.addr}`);
    this.reply.error(`ERR ${message}`);
    server.stats.totalErrorReplies++;
    this.closeRequested = true;
  }

  // ---- BarrierWaiter

  onDurable(failed: boolean): void {
    this.awaitingDurability = false;
    if (this.closed) return;
    if (failed) {
      this.owner.context.logger.warning(`Closing client id=${this.id} addr=${this.addr}: a write it may have observed failed to become durable`);
      this.destroy();
      return;
    }
    // Only what was written before the wait began is vouched for: an asynchronous command that
    // resumed during the wait may have written replies for writes issued after it (EXEC's
    // results), which wait for their own writes (flush checks the barrier again).
    this.writeOut(this.positionAtWait);
    this.flush();
    if (!this.executing) this.resume();
  }

  private get blocked(): boolean {
    return this.executing || this.awaitingDurability || this.outputBlocked;
  }

  // ---- internals

  private onData(chunk: Buffer): void {
    const server = this.owner.context;
    server.stats.netInputBytes += chunk.length;
    if (this.ending) return; // lingering close: input after our last reply is dropped
    this.lastInteraction = this.owner.coarseNow;
    this.owner.dispatcher.beginBatch();
    this.parser.authRequired = !this.authenticated;
    this.parser.feed(chunk);
    const limit = server.config.clientQueryBufferLimit;
    if (this.parser.bufferedBytes > limit || this.parser.unfinishedRequestBytes > limit) {
      server.logger.warning(`Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} qbuf=${this.parser.unfinishedRequestBytes}`);
      this.destroy();
      return;
    }
    this.resume();
  }

  /** Runs one request; if it goes asynchronous, later requests wait in the queue. */
  private run(argv: Buffer[]): void {
    const mode = this.replyMode;
    const mark = this.reply.position;
    if (mode !== 'on') this.keptPushes = [];
    const pending = this.owner.dispatcher.execute(this.ctx, argv);
    if (pending !== undefined) {
      this.executing = true;
      this.inFlightFrom = mark;
      if (mode !== 'on') {
        // CLIENT REPLY OFF/SKIP for an asynchronous command: drop its reply once it is written.
        pending.then(() => this.dropReplySince(mark, mode), () => this.dropReplySince(mark, mode)).then(this.onExecDoneBound, this.onExecDoneBound);
      } else {
        pending.then(this.onExecDoneBound, this.onExecDoneBound);
        // Send the replies that are ready instead of holding them for as long as the disk takes;
        // but not at once: a command whose
        // data is cached completes within this turn's microtasks, and the pipelined requests after
        // it run then too, so their replies leave in one write at the end of the batch. Flushing
        // here sent one write per asynchronous command (a third of ZRANGE's CPU at -P16).
        if (!this.awaitingDurability) this.scheduleFlush();
      }
      return;
    }
    if (mode !== 'on') this.dropReplySince(mark, mode);
  }

  private dropReplySince(mark: number, mode: ReplyMode): void {
    const kept = this.keptPushes;
    this.keptPushes = null;
    // CLIENT REPLY itself switches the mode; its own "OK" (for ON) must stay.
    if (mode === 'skip') {
      this.rewindKeeping(mark, kept);
      if (this.replyMode === 'skip') this.replyMode = 'on';
    } else if (mode === 'off' && this.replyMode !== 'on') {
      this.rewindKeeping(mark, kept);
    }
  }

  private rewindKeeping(mark: number, pushes: Buffer[] | null): void {
    this.reply.rewind(mark);
    if (pushes !== null) for (const bytes of pushes) this.reply.raw(bytes);
  }

  /**
   * Runs queued requests until the queue is empty or something blocks (a request in flight,
   * replies waiting for durability or for the socket to drain), then sends what is ready.
   */
  private resume(): void {
    if (this.closed) return;
    this.owner.dispatcher.beginBatch();
    for (;;) {
      while (!this.blocked && this.queueHead < this.queue.length) {
        const argv = this.queue[this.queueHead];
        this.queue[this.queueHead++] = EMPTY_ARGV;
        this.run(argv);
        if (!this.executing && this.reply.pendingBytes > OUTPUT_PAUSE_BYTES) this.blockOnOutput();
      }
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
        if (this.pendingProtocolError !== null && !this.blocked) {
          this.replyProtocolError(this.pendingProtocolError);
          this.pendingProtocolError = null;
        }
      }
      if (this.executing || this.awaitingDurability || this.closed) return;
      this.flush(); // may clear outputBlocked (the socket took it all) or start waiting for durability
      if (this.blocked || this.queueHead >= this.queue.length) break;
    }
    if (!this.blocked && this.queue.length === 0) this.resumeReading();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushSoonBound);
  }

  /**
   * Sends pending replies now, or once the writes they may have observed are durable; while a
   * request is in flight, only the replies before it (see inFlightFrom).
   */
  private flush(): void {
    if (this.closed || this.awaitingDurability) return;
    const sendable = this.executing ? this.inFlightFrom : this.reply.position;
    if (sendable <= this.reply.position - this.reply.pendingBytes) {
      if (this.closeRequested && !this.executing) this.finishClose();
      return;
    }
    if (this.owner.barrier.pending) {
      this.awaitingDurability = true;
      this.positionAtWait = sendable;
      this.owner.barrier.wait(this);
      return;
    }
    this.writeOut(sendable);
  }

  /** Hands the replies written before `until` (all by default) to the socket. */
  private writeOut(until = this.reply.position): void {
    const out = this.reply.takeUntil(until);
    if (out !== null && !this.closed) {
      this.owner.context.stats.netOutputBytes += out.length;
      this.socket.write(out);
      const backlog = this.socket.writableLength;
      if (backlog === 0) this.reply.recycle();
      if (backlog > OUTPUT_PAUSE_BYTES) {
        this.blockOnOutput();
        if (this.outputLimitExceeded(backlog)) return;
      } else {
        this.outputBlocked = false;
      }
    }
    if (this.closeRequested && !this.executing && this.queueHead >= this.queue.length) this.finishClose();
  }

  private appendDeferredPushes(): void {
    const pushes = this.deferredPushes;
    this.deferredPushes = [];
    this.deferredBytes = 0;
    for (const bytes of pushes) this.reply.raw(bytes);
  }

  /** The client-output-buffer-limit class this client is in now: replica for a replica's link, pubsub while subscribed, as Redis' getClientType. */
  private get outputLimit(): OutputBufferLimit {
    const limits = this.owner.context.config.clientOutputBufferLimit;
    if (this.replicationRole === 'replica') return limits.replica;
    return this.subscriptions.active ? limits.pubsub : limits.normal;
  }

  private outputLimitExceeded(backlog: number): boolean {
    const limit = this.outputLimit;
    let exceeded = limit.hardBytes > 0 && backlog > limit.hardBytes;
    if (!exceeded && limit.softBytes > 0 && backlog > limit.softBytes) {
      const now = Date.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince > limit.softSeconds * 1000) exceeded = true;
    } else if (!exceeded) {
      this.softLimitSince = 0;
    }
    if (exceeded) {
      this.owner.context.logger.warning(`Client id=${this.id} addr=${this.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.destroy();
    }
    return exceeded;
  }

  private pauseReading(): void {
    if (this.readingPaused) return;
    this.readingPaused = true;
    this.socket.pause();
  }

  private resumeReading(): void {
    if (!this.readingPaused || this.closed) return;
    this.readingPaused = false;
    this.socket.resume();
  }

  private onDrain(): void {
    this.softLimitSince = 0;
    this.reply.recycle();
    if (this.outputBlocked) {
      this.outputBlocked = false;
      if (!this.executing && !this.awaitingDurability) this.resume();
    } else if (!this.blocked && this.queue.length === 0) {
      this.resumeReading();
    }
  }

  private finishClose(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.socket.end(this.lingerBound);
  }

  /**
   * Lingering close, once our FIN follows the last reply: read and drop whatever the peer still
   * sends until it closes its side (which destroys the socket) or LINGER_MS pass. Closing with
   * unread input makes the kernel answer with a reset, and a reset can make the peer lose the
   * replies it has not read yet: the protocol error that explains the close above all.
   */
  private linger(): void {
    if (this.closed) return;
    this.readingPaused = false;
    this.socket.resume();
    this.lingerTimer = setTimeout(this.destroyBound, LINGER_MS);
    this.lingerTimer.unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.parser.halt();
    this.queue.length = 0;
    this.queueHead = 0;
    this.deferredPushes = [];
    this.deferredBytes = 0;
    this.owner.connectionClosed(this);
  }
}

const EMPTY_ARGV: Buffer[] = [];
