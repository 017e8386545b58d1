/**
 * Transcripts: commands with the reply redis-server 7.0.15 gave, recorded once (see
 * scripts/record-transcript.mjs) and replayed against StrataKV byte for byte. The command tests
 * of every family keep theirs as data and replay them with replayTranscript.
 */
import * as assert from 'uvu/assert';
import { RawClient, replyLength } from './helpers.js';

/** Marks a reply whose order Redis leaves undefined: compared with every aggregate sorted. */
export const UNORDERED = 'unordered';

/** [arguments, reply bytes as latin1 (null: run for its effect, reply not compared), UNORDERED?] */
export type Transcript = ReadonlyArray<readonly [readonly string[], string | null, typeof UNORDERED?]>;

/** Replays `transcript` on one new connection to `port`, asserting each compared reply. */
export async function replayTranscript(port: number, transcript: Transcript): Promise<void> {
  const raw = await RawClient.connect(port);
  try {
    for (const [args, expected, compare] of transcript) {
      const reply = (await raw.command(...args.map((a) => Buffer.from(a, 'latin1')))).toString('latin1');
      if (expected === null) continue;
      if (compare === UNORDERED) assert.is(JSON.stringify(normalized(reply)), JSON.stringify(normalized(expected)), args.join(' '));
      else assert.is(JSON.stringify(reply), JSON.stringify(expected), args.join(' '));
    }
  } finally {
    raw.close();
  }
}

/** A reply with every aggregate's elements sorted (RESP2 and RESP3 aggregates alike). */
export function normalized(reply: string): string {
  if (!'*~%'.includes(reply[0])) return reply;
  const buf = Buffer.from(reply, 'latin1');
  const headerEnd = reply.indexOf('\r\n') + 2;
  const parts: string[] = [];
  for (let at = headerEnd; at < buf.length; ) {
    const n = replyLength(buf, at);
    parts.push(normalized(reply.slice(at, at + n)));
    at += n;
  }
  return reply.slice(0, headerEnd) + parts.sort().join('');
}
