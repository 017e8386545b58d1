/**
 * A minimal pipelining RESP2 connection for the crash loop. Real client libraries retry and
 * resend commands after a connection drops, which would blur exactly what the crash loop must
 * know: which commands the server acknowledged before it died. This one never resends; a reply
 * counts as an acknowledgement only once it has been read whole.
 */
import net from 'node:net';

/** An error reply (`-ERR ...`), kept apart from simple strings. */
export class RespError {
  constructor(readonly message: string) {}
}

/** Bulk and simple strings are decoded as latin1: the crash loop's keys and values are ASCII. */
export type RespValue = string | number | null | RespError | RespValue[];

/** Returned by the parser when the buffer does not yet hold the whole reply. */
const INCOMPLETE = Symbol('incomplete');
type Parsed = RespValue | typeof INCOMPLETE;

/** Receives every reply of a connection in order, and its end. */
export interface ReplySink {
  onReply(connection: RespConnection, reply: RespValue): void;
  onClose(connection: RespConnection): void;
}

const CRLF = 0x0d;

export class RespConnection {
  private pending: Buffer = Buffer.alloc(0);
  private pos = 0;
  private open = true;

  private constructor(
    private readonly socket: net.Socket,
    private readonly sink: ReplySink,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => {
      this.open = false;
      this.sink.onClose(this);
    });
    // A reset from a killed server is expected; 'close' follows and is what callers watch.
    socket.on('error', () => undefined);
  }

  static connect(port: number, sink: ReplySink): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const failed = (err: Error): void => reject(err);
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.removeListener('error', failed);
        resolve(new RespConnection(socket, sink));
      });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Sends already-encoded commands (see `encodeCommand`). */
  send(encoded: string): void {
    if (this.open) this.socket.write(encoded, 'latin1');
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pos < this.pending.length ? Buffer.concat([this.pending.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    for (;;) {
      const start = this.pos;
      const reply = this.parse();
      if (reply === INCOMPLETE) {
        this.pos = start;
        return;
      }
      this.sink.onReply(this, reply);
      if (!this.open) return;
    }
  }

  /** Parses one reply at `pos` and advances past it, or returns INCOMPLETE (pos is then undefined). */
  private parse(): Parsed {
    const buf = this.pending;
    if (this.pos >= buf.length) return INCOMPLETE;
    const lineEnd = buf.indexOf(CRLF, this.pos + 1);
    if (lineEnd < 0 || lineEnd + 1 >= buf.length) return INCOMPLETE;
    const type = buf[this.pos];
    const line = buf.toString('latin1', this.pos + 1, lineEnd);
    this.pos = lineEnd + 2;
    switch (type) {
      case 0x2b: // +
        return line;
      case 0x2d: // -
        return new RespError(line);
      case 0x3a: // :
        return Number(line);
      case 0x24: { // $
        const length = Number(line);
        if (length < 0) return null;
        if (this.pos + length + 2 > buf.length) return INCOMPLETE;
        const text = buf.toString('latin1', this.pos, this.pos + length);
        this.pos += length + 2;
        return text;
      }
      case 0x2a: { // *
        const count = Number(line);
        if (count < 0) return null;
        const items: RespValue[] = new Array<RespValue>(count);
        for (let i = 0; i < count; i++) {
          const item = this.parse();
          if (item === INCOMPLETE) return INCOMPLETE;
          items[i] = item;
        }
        return items;
      }
      default:
        throw new Error(`unexpected RESP type byte 0x${type.toString(16)} in a reply`);
    }
  }
}

/** RESP array-of-bulk-strings encoding of one command whose arguments are ASCII. */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

/**
 * A connection used one request at a time (checks, INFO, MGET batches): resolves each command
 * with its reply in order.
 */
export class RespRequester implements ReplySink {
  private readonly waiting: Array<{ resolve: (v: RespValue) => void; reject: (e: Error) => void }> = [];
  private connection: RespConnection | null = null;

  static async connect(port: number): Promise<RespRequester> {
    const requester = new RespRequester();
    requester.connection = await RespConnection.connect(port, requester);
    return requester;
  }

  /** Sends several commands at once (pipelined) and resolves with their replies. */
  pipeline(commands: ReadonlyArray<readonly string[]>): Promise<RespValue[]> {
    const connection = this.connection;
    if (connection === null || !connection.isOpen) return Promise.reject(new Error('connection closed'));
    let encoded = '';
    const replies: Array<Promise<RespValue>> = [];
    for (const args of commands) {
      encoded += encodeCommand(args);
      replies.push(new Promise<RespValue>((resolve, reject) => this.waiting.push({ resolve, reject })));
    }
    connection.send(encoded);
    return Promise.all(replies);
  }

  async command(...args: string[]): Promise<RespValue> {
    const [reply] = await this.pipeline([args]);
    return reply;
  }

  close(): void {
    this.connection?.close();
  }

  onReply(_connection: RespConnection, reply: RespValue): void {
    this.waiting.shift()?.resolve(reply);
  }

  onClose(): void {
    for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed before the reply'));
  }
}
