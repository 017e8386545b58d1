/**
 * Filling one big hash, set, sorted set or list fast, before a benchmark reads it: multi-member HSET /
 * SADD / ZADD / RPUSH commands (a thousand members each) pipelined over one connection with a bounded
 * number in flight. Member i is named the way redis-benchmark's `__rand_int__` writes a number
 * below its key space (12 digits, zero-padded), so `HGET key field:__rand_int__` hits a field.
 */
import net from 'node:net';
import { KEY_DIGITS } from './key-space.js';

const LF = 0x0a;
const MINUS = 0x2d;

export type CollectionType = 'hash' | 'set' | 'zset' | 'list';

/** `prefix` + i as 12 zero-padded digits, e.g. `member:000000000042`. */
export function memberName(prefix: string, i: number): string {
  return prefix + String(i).padStart(KEY_DIGITS, '0');
}

/** One RESP command (array of bulk strings); arguments are latin1 text. */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return Buffer.from(out, 'latin1');
}

/** Names in the preloaded collections: hash fields `field:N` -> `value:N`, set and sorted-set members `member:N` (score N). */
export const FIELD_PREFIX = 'field:';
export const VALUE_PREFIX = 'value:';
export const MEMBER_PREFIX = 'member:';

export interface CollectionFill {
  readonly type: CollectionType;
  readonly key: string;
  /** Members 0..members-1 are written, each exactly once. */
  readonly members: number;
  /** The member written j-th (a permutation of [0, members)); identity when absent. */
  readonly order?: (j: number) => number;
  readonly perCommand: number;
}

/** The commands that fill a collection, built one at a time (nothing per member is kept). */
export function fillCommands(fill: CollectionFill): { readonly count: number; readonly command: (c: number) => Buffer } {
  const order = fill.order ?? ((j: number) => j);
  const name = fill.type === 'hash' ? 'HSET' : fill.type === 'set' ? 'SADD' : fill.type === 'list' ? 'RPUSH' : 'ZADD';
  return {
    count: Math.ceil(fill.members / fill.perCommand),
    command: (c) => {
      const args = [name, fill.key];
      const end = Math.min(fill.members, (c + 1) * fill.perCommand);
      for (let j = c * fill.perCommand; j < end; j++) {
        const i = order(j);
        if (fill.type === 'hash') args.push(memberName(FIELD_PREFIX, i), memberName(VALUE_PREFIX, i));
        else if (fill.type === 'set' || fill.type === 'list') args.push(memberName(MEMBER_PREFIX, i));
        else args.push(String(i), memberName(MEMBER_PREFIX, i));
      }
      return encodeCommand(args);
    },
  };
}

export interface PipelinePlan {
  readonly port: number;
  readonly count: number;
  readonly command: (c: number) => Buffer;
  /** Commands in flight at most. */
  readonly window: number;
  /** Called with the number of replies so far, about every `progressEvery` replies. */
  readonly onProgress?: (replies: number) => void;
  readonly progressEvery?: number;
  /** Lines each reply takes (1: an integer or a status; n + 1: an array of n integers). */
  readonly linesPerReply?: number;
}

/**
 * Sends command(0..count-1) over one connection, keeping up to `window` unanswered, and resolves
 * once every reply arrived. Every reply must be one line (an integer or a status); the first error
 * reply or a lost connection rejects: a fill with failed writes measures nothing.
 */
export function sendPipelined(plan: PipelinePlan): Promise<void> {
  const linesPerReply = plan.linesPerReply ?? 1;
  return new Promise((resolve, reject) => {
    const socket = net.connect(plan.port, '127.0.0.1');
    let sent = 0;
    let replies = 0;
    let lines = 0;
    let nextProgress = plan.progressEvery ?? Infinity;
    let settled = false;
    let errorLine: Buffer | null = null;
    let atLineStart = true;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const pump = (): void => {
      while (sent < plan.count && sent - replies < plan.window) socket.write(plan.command(sent++));
    };
    socket.setNoDelay(true);
    socket.once('connect', pump);
    socket.on('error', (error) => finish(new Error(`pipelined fill: ${error.message}`)));
    socket.on('close', () => finish(new Error(`pipelined fill: the server closed the connection after ${replies} of ${plan.count} replies`)));
    socket.on('data', (chunk: Buffer) => {
      let pos = 0;
      while (pos < chunk.length) {
        if (atLineStart && chunk[pos] === MINUS) errorLine = Buffer.alloc(0);
        const lf = chunk.indexOf(LF, pos);
        const end = lf < 0 ? chunk.length : lf + 1;
        if (errorLine !== null) errorLine = Buffer.concat([errorLine, chunk.subarray(pos, end)]);
        atLineStart = lf >= 0;
        pos = end;
        if (lf < 0) break;
        if (errorLine !== null) {
          finish(new Error(`pipelined fill: command ${replies} failed: ${errorLine.toString('latin1').trim()}`));
          return;
        }
        if (++lines % linesPerReply === 0) replies++;
      }
      if (replies >= nextProgress) {
        plan.onProgress?.(replies);
        nextProgress = replies + (plan.progressEvery ?? Infinity);
      }
      if (replies === plan.count) finish();
      else pump();
    });
  });
}
