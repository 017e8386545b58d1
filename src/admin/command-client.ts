/**
 * An in-process client: runs commands through the same Dispatcher a RESP connection uses, and
 * hands back the decoded reply. The REST gateway is built on it, so a PUT over HTTP is a SET like
 * any other: looked up, counted in commandstats and errorstats, refused with MISCONF while the disk
 * fails, held by CLIENT PAUSE and write backpressure, serialized by the key locks, shown to
 * MONITOR and SLOWLOG, and its WATCH, expiry and DBSIZE effects are those of SET.
 *
 * Durability is the connection's rule too: a reply is only returned once every write issued
 * before it is durable under appendfsync (the DurabilityBarrier), so an HTTP 2xx for a PUT means
 * what +OK means.
 *
 * Replies are written by a ReplyWriter (RESP2) and decoded with redis-parser, the decoder ioredis
 * uses; values come back as Buffers (binary safe).
 */
import type { ClientState, CommandContext } from '../commands/types.js';
import { ClientSession } from '../commands/client-session.js';
import { ReplyWriter } from '../protocol/reply.js';
import { RespDecoder } from '../protocol/redis-parser.js';
import type { Server } from '../server/server.js';

/** A decoded RESP2 reply: bulk strings as Buffers, integers as numbers, nil as null. */
export type Reply = Buffer | number | null | Reply[];

/** The command answered with an error reply (`-CODE message`). */
export class CommandErrorReply extends Error {
  /** The error code: 'ERR', 'MISCONF', 'WRONGTYPE', ... */
  readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = 'CommandErrorReply';
    const space = message.indexOf(' ');
    this.code = space < 0 ? message : message.slice(0, space);
  }
}

/** A write the reply depends on failed to reach the disk: the reply must not be trusted. */
export class NotDurableError extends Error {
  constructor() {
    super('a write this reply depends on could not be made durable (see the server log)');
    this.name = 'NotDurableError';
  }
}


/** Replies are small (one value, one page of keys); the writer grows for bigger ones. */
const INITIAL_REPLY_BYTES = 256;

export class CommandClient extends ClientSession implements ClientState {
  // ---- ClientState: a plain authenticated RESP2 client in database 0
  readonly id: number;
  resp: 2 | 3 = 2;
  /** The HTTP layer checked the bearer token before any command runs. */
  authenticated = true;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = this.createdAt;

  private readonly reply = new ReplyWriter(INITIAL_REPLY_BYTES);
  private readonly ctx: CommandContext;

  /**
   * `addr` is what MONITOR, SLOWLOG and the log show for this client's commands: the HTTP peer
   * (e.g. 'http:127.0.0.1:51234'), so they can be told apart from RESP connections.
   */
  constructor(private readonly server: Server, readonly addr: string, laddr: string) {
    super();
    this.id = server.allocateClientId();
    this.laddr = laddr;
    this.ctx = { client: this, server, reply: this.reply };
  }

  /** Not a connection: there is nothing to close (QUIT and CLIENT KILL cannot reach it). */
  closeAfterReply(): void {}

  /**
   * Runs one command and returns its reply once it may be sent (every write it may have observed
   * is durable). Throws CommandErrorReply for an error reply and NotDurableError when a write
   * failed to become durable.
   */
  async run(argv: Buffer[]): Promise<Reply> {
    this.lastInteraction = Date.now();
    const dispatcher = this.server.dispatcher;
    dispatcher.beginBatch();
    const inFlight = dispatcher.execute(this.ctx, argv);
    if (inFlight !== undefined) await inFlight;
    if (this.server.barrier.pending) {
      const failed = await new Promise<boolean>((resolve) => this.server.barrier.wait({ onDurable: resolve }));
      if (failed) throw new NotDurableError();
    }
    return this.decode(this.reply.take());
  }

  private decode(bytes: Buffer | null): Reply {
    if (bytes === null) throw new Error(`'${this.lastCommand}' wrote no reply`);
    let reply: Reply | undefined;
    let error: Error | undefined;
    const decoder = new RespDecoder({
      returnBuffers: true,
      returnReply: (r) => { reply = r as Reply; },
      returnError: (e) => { error = new CommandErrorReply(e.message); },
      returnFatalError: (e) => { error = e; },
    });
    decoder.execute(bytes);
    if (error !== undefined) throw error;
    if (reply === undefined) throw new Error(`'${this.lastCommand}' wrote an incomplete reply`);
    return reply;
  }
}
