/**
 * Generic key commands: deletion, existence, type, renames and copies (into other databases too),
 * the EXPIRE family with NX/XX/GT/LT, the clock-dependent TTL readers (compared within a
 * tolerance, see compare.ts), KEYS as a multiset and SCAN iterated to its end.
 */
import { scanPage, unordered, within, randomKey } from '../compare.js';
import type { Arg, CommandSpec, Exchange, Family, Gen } from '../gen.js';
import { encodeBulkArray, parseReply } from '../resp.js';

/**
 * TTL readers: two servers asked a few milliseconds apart (more on a loaded machine) about an
 * expiry that was also set a few milliseconds apart. Seconds round, so one more second of slack.
 */
const SECONDS = within(2);
const MILLISECONDS = within(1500);

function expireCondition(g: Gen): Arg[] {
  return g.chance(0.5) ? [] : g.chance(0.9) ? [g.pick(['NX', 'XX', 'GT', 'LT', 'gt'])] : g.pick([['NX', 'XX'], ['GT', 'LT'], ['NX', 'GT'], ['XX', 'GT'], ['FOO']]);
}

const PATTERNS: readonly string[] = ['*', 'k*', 'k?', 'k[12]', 'k[^1]', 'k[1-3]', '\\k1', '*1', '', 'k\x00*', '*\xff', '[', 'k[', '?', 'nomatch*'];

function database(g: Gen): string {
  return g.chance(0.9) ? g.pick(['0', '1', '2']) : g.pick(['15', '16', '-1', 'x', '']);
}

function copyArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), g.key()];
  for (let i = g.int(3); i > 0; i--) out.push(...g.pick<Arg[]>([['REPLACE'], ['DB', database(g)], ['replace'], ['DB'], ['FOO']]));
  return out;
}

function scanArgs(g: Gen): Arg[] {
  const cursor = g.chance(0.92) ? '0' : g.pick(['', 'abc', '1.5', '18446744073709551616']);
  const out: Arg[] = [cursor];
  for (let i = g.int(3); i > 0; i--) {
    out.push(...g.pick<Arg[]>([
      ['MATCH', g.pick(PATTERNS)], ['COUNT', g.pick(['1', '2', '3', '10', '1000'])], ['TYPE', g.pick(['string', 'STRING', 'hash', 'list', 'none', 'foo'])],
      ['COUNT', g.pick(['0', '-1', 'x'])], ['MATCH'], ['FOO', 'bar'],
    ]));
  }
  return out;
}

/**
 * A SCAN from cursor 0 goes on until the cursor comes back 0, and the keys of all pages are
 * compared as a set: Redis only promises that a full iteration returns every key that was there
 * all along, in no order, maybe more than once. The reply compared is one page of the sorted,
 * de-duplicated keys with cursor 0; any error (or a first reply that is not a page) as it came.
 */
const scanToEnd: Exchange = async (call, args) => {
  const found = new Map<string, Buffer>();
  let request = args;
  for (let calls = 0; calls < 10_000; calls++) {
    const raw = await call(request);
    const page = parseReply(raw);
    const cursor = page.items[0]?.data;
    if (page.type !== '*' || page.items.length !== 2 || cursor === null || cursor === undefined) return raw;
    for (const key of page.items[1].items) if (key.data !== null) found.set(key.data.toString('latin1'), key.data);
    if (cursor.toString('latin1') === '0') {
      const keys = [...found.keys()].sort().map((k) => found.get(k) as Buffer);
      return Buffer.concat([Buffer.from('*2\r\n$1\r\n0\r\n', 'latin1'), encodeBulkArray(keys)]);
    }
    request = [args[0], cursor, ...args.slice(2)];
  }
  return Buffer.from('?SCAN did not return cursor 0 within 10000 calls', 'latin1');
};

const commands: CommandSpec[] = [
  { name: 'DEL', weight: 4, args: (g) => g.keys(1, 3) },
  { name: 'UNLINK', weight: 2, args: (g) => g.keys(1, 3) },
  { name: 'EXISTS', weight: 3, args: (g) => g.keys(1, 4) },
  { name: 'TYPE', weight: 2, args: (g) => [g.key()] },
  { name: 'TOUCH', weight: 1, args: (g) => g.keys(1, 3) },
  { name: 'RENAME', weight: 2, args: (g) => [g.key(), g.key()] },
  { name: 'RENAMENX', weight: 2, args: (g) => [g.key(), g.key()] },
  { name: 'COPY', weight: 2, args: copyArgs },
  { name: 'EXPIRE', weight: 3, args: (g) => [g.key(), g.expiry('s', false), ...expireCondition(g)] },
  { name: 'PEXPIRE', weight: 3, args: (g) => [g.key(), g.expiry('ms', false), ...expireCondition(g)] },
  { name: 'EXPIREAT', weight: 2, args: (g) => [g.key(), g.expiry('s', true), ...expireCondition(g)] },
  { name: 'PEXPIREAT', weight: 2, args: (g) => [g.key(), g.expiry('ms', true), ...expireCondition(g)] },
  { name: 'PERSIST', weight: 2, args: (g) => [g.key()] },
  { name: 'TTL', weight: 3, args: (g) => [g.key()], rule: SECONDS },
  { name: 'PTTL', weight: 3, args: (g) => [g.key()], rule: MILLISECONDS },
  { name: 'EXPIRETIME', weight: 2, args: (g) => [g.key()], rule: SECONDS },
  { name: 'PEXPIRETIME', weight: 2, args: (g) => [g.key()], rule: MILLISECONDS },
  { name: 'KEYS', weight: 2, args: (g) => [g.pick(PATTERNS)], rule: unordered },
  { name: 'SCAN', weight: 2, args: scanArgs, rule: scanPage, exchange: scanToEnd },
  { name: 'RANDOMKEY', weight: 1, args: () => [], rule: randomKey },
  { name: 'DBSIZE', weight: 1, args: () => [] },
  {
    name: 'OBJECT', weight: 2,
    args: (g) => g.pick<Arg[]>([['ENCODING', g.key()], ['ENCODING', g.key()], ['REFCOUNT', g.key()], ['FREQ', g.key()], ['IDLETIME', g.key()], ['NOSUCH', g.key()]]),
    // OBJECT IDLETIME counts seconds since the last access: the two servers may sit on either
    // side of a second boundary. Everything else OBJECT says is exact.
    subcommandRules: { IDLETIME: within(1) },
  },
];

export const keys: Family = { name: 'keys', commands };
