/**
 * HSCAN, SSCAN and ZSCAN, as the tester runs them: a scan from cursor 0 goes on until the cursor
 * comes back 0, and what all pages returned is compared as a set (of members, or of field/value
 * and member/score pairs). Redis only promises that a full iteration returns every member that was
 * there all along, in no order, maybe more than once; a small collection it returns whole in one
 * page, a big one in pages whose cut points are its own.
 */
import type { Arg, Exchange, Gen } from '../gen.js';
import { encodeBulkArray, parseReply } from '../resp.js';

const PATTERNS: readonly string[] = ['*', 'f*', '*1', 'm?', '[a-f]*', 'x', '', '\\*', 'count'];

/**
 * Cursor and options after the key: mostly a valid start, sometimes a bad cursor or option. Never
 * a valid cursor other than 0: cursors are each server's own positions (ours resume after a
 * member, Redis' are hash-table buckets), so an arbitrary one means different things to each.
 */
export function memberScanArgs(g: Gen): Arg[] {
  const cursor = g.chance(0.92) ? '0' : g.pick(['', 'abc', '1.5', '18446744073709551616']);
  const out: Arg[] = [cursor];
  for (let i = g.int(3); i > 0; i--) {
    out.push(...g.pick<Arg[]>([['MATCH', g.pick(PATTERNS)], ['COUNT', g.pick(['1', '2', '3', '10', '1000'])], ['COUNT', g.pick(['0', '-1', 'x'])], ['MATCH'], ['FOO', 'bar']]));
  }
  return out;
}

/** An exchange for a SCAN-like command whose cursor is argument `cursorAt`; `pairs`: elements come in twos. */
export function scanMembersToEnd(pairs: boolean): Exchange {
  return async (call, args) => {
    const found = new Map<string, Buffer[]>();
    let request = args;
    for (let calls = 0; calls < 10_000; calls++) {
      const raw = await call(request);
      const page = parseReply(raw);
      const cursor = page.items[0]?.data;
      if (page.type !== '*' || page.items.length !== 2 || cursor === null || cursor === undefined) return raw;
      const items = page.items[1].items.map((item) => item.data ?? Buffer.alloc(0));
      const step = pairs ? 2 : 1;
      for (let i = 0; i + step <= items.length; i += step) {
        const element = items.slice(i, i + step);
        found.set(element.map((b) => b.toString('latin1')).join('\0'), element);
      }
      if (cursor.toString('latin1') === '0') {
        const sorted = [...found.keys()].sort().flatMap((k) => found.get(k) as Buffer[]);
        return Buffer.concat([Buffer.from('*2\r\n$1\r\n0\r\n', 'latin1'), encodeBulkArray(sorted)]);
      }
      request = [args[0], args[1], cursor, ...args.slice(3)];
    }
    return Buffer.from('?the scan did not return cursor 0 within 10000 calls', 'latin1');
  };
}
