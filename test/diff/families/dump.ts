/**
 * DUMP and RESTORE over the shared keys, whatever type the other families left there:
 *
 * - DUMP, compared by what the payload holds (samePayload): both decoded, the type byte (which
 *   says the encoding) and the contents equal, in the order the encoding fixes (list elements,
 *   listpack sorted sets by score) and sorted where it is a hash order. Bytes differ where Redis
 *   LZF-compresses (strings over 20 bytes) or cuts its nodes otherwise; the e2e test compares the
 *   bytes where they are deterministic.
 * - A script that DUMPs one key and RESTOREs it under another (REPLACE, a TTL, ABSTTL, IDLETIME or
 *   FREQ), so the later reads of every family compare what RESTORE wrote, and its errors (BUSYKEY,
 *   TTL) byte for byte.
 * - MIGRATE to a closed port: argument errors, +NOKEY, the failed write (and the keys stay).
 * - RESTORE of payloads built here with src/rdb's encoders: values of every type in the compact and
 *   full forms (with their thresholds' edges), and broken ones with the errors both must give
 *   (checksum, version, truncated frames, empty collections, duplicate set members, NaN scores,
 *   unknown types). Not a small hash with a field twice: redis-server takes it unless
 *   sanitize-dump-payload is yes, StrataKV always refuses it (README, DUMP and RESTORE).
 */
import type { ReplyRule } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { isError } from '../resp.js';
import { FOOTER_BYTES, sealPayload, verifyPayload } from '../../../src/rdb/payload.js';
import { ListEncoder, decodeObject, encodeHash, encodeSet, encodeStringObject, encodeZSet, type RdbValue } from '../../../src/rdb/object.js';
import { RdbError } from '../../../src/rdb/reader-error.js';
import { listpackScoreText } from '../../../src/keyspace/strtod.js';
import { formatDouble } from '../../../src/protocol/reply.js';

/** A payload's contents in a form equal for equal values (undefined: it does not decode). */
function canonical(payload: Buffer): string | undefined {
  if (!verifyPayload(payload)) return undefined;
  let value: RdbValue;
  try {
    value = decodeObject(payload);
  } catch (err) {
    if (err instanceof RdbError) return undefined;
    throw err;
  }
  const text = (b: Buffer): string => b.toString('latin1');
  switch (value.type) {
    case 'string':
      return `string ${text(value.value)}`;
    case 'list':
      return `list ${value.elements.map(text).join('\0')}`;
    case 'set':
      return `set ${payload[0]} ${value.members.map(text).sort().join('\0')}`;
    case 'zset': {
      const entries = value.entries.map((e) => `${e.score} ${text(e.member)}`);
      return `zset ${payload[0]} ${value.compact ? entries.join('\0') : entries.sort().join('\0')}`;
    }
    case 'hash': {
      const pairs: string[] = [];
      for (let i = 0; i < value.pairs.length; i += 2) pairs.push(`${text(value.pairs[i])}=${text(value.pairs[i + 1])}`);
      return `hash ${payload[0]} ${pairs.sort().join('\0')}`;
    }
    case 'stream': {
      const s = value.stream;
      const entries = s.nodes.flatMap((n) => n.entries.map((e) => `${e.id.toString('hex')}:${e.pairs.map(text).join(',')}`));
      // Delivery and seen times are clock readings: left out.
      const groups = s.groups.map((g) => [text(g.name), g.lastId.toString('hex'), g.entriesRead, g.pel.map((p) => `${p.id.toString('hex')}/${p.deliveryCount}`), g.consumers.map((c) => `${text(c.name)}:${c.pel.map((id) => id.toString('hex'))}`)].join(' '));
      return `stream ${entries.join('\0')} ${s.length} ${s.lastId.toString('hex')} ${s.firstId.toString('hex')} ${s.maxDeletedId.toString('hex')} ${s.entriesAdded} ${groups.join('\0')}`;
    }
  }
}

/** DUMP: nil where the other is nil, else payloads that decode to the same value. */
const samePayload: ReplyRule = (ours, theirs) => {
  if (isError(ours) || isError(theirs) || ours.type !== '$' || theirs.type !== '$' || ours.data === null || theirs.data === null) {
    return ours.raw.equals(theirs.raw) ? null : 'the bytes differ';
  }
  const a = canonical(ours.data);
  const b = canonical(theirs.data);
  if (b === undefined) return 'redis-server\'s payload does not decode';
  if (a === undefined) return 'our payload does not decode';
  return a === b ? null : `different values: ${a.slice(0, 200)} / ${b.slice(0, 200)}`;
};

/** TTL and options of a RESTORE, as the script passes them: ttl, then the options (last element the option list joined). */
function restoreOptions(g: Gen): { ttl: string; options: string[] } {
  // Relative TTLs are long (nothing expires while a sequence runs); with ABSTTL they are long past.
  const ttl = g.pick(['0', '0', '0', String(100_000_000 + g.int(1_000_000)), '-5', 'x']);
  const options: string[] = [];
  if (g.chance(0.6)) options.push('REPLACE');
  if (g.chance(0.15)) options.push('ABSTTL');
  if (g.chance(0.1)) options.push('IDLETIME', g.pick(['0', '100', '-1']));
  if (g.chance(0.1)) options.push('FREQ', g.pick(['0', '255', '256']));
  if (g.chance(0.03)) options.push('BOGUS');
  return { ttl, options };
}

/** A script that copies one key to another through DUMP and RESTORE with random options. */
function copyArgs(g: Gen): Arg[] {
  const { ttl, options } = restoreOptions(g);
  const extra = options.map((o) => `, '${o}'`).join('');
  const script = `local p = redis.call('DUMP', KEYS[1]) if not p then return 'none' end return redis.call('RESTORE', KEYS[2], ARGV[1], p${extra})`;
  return [script, '2', g.key(), g.key(), ttl];
}

const MEMBERS: readonly string[] = ['a', 'b', 'c', '1', '2', '-3', '100000', '12345678901234', 'x'.repeat(70), '', 'a\x00b', '007'];

/**
 * Distinct members, now and then past the listpack entries limit (128): `big`. Sets stay small,
 * as the sets family keeps them (an SPOP with a count below the size picks at random).
 */
function members(g: Gen, max: number, big = false): Buffer[] {
  const n = big && g.chance(0.15) ? g.between(120, 140) : g.between(1, max);
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const m = g.chance(0.5) ? g.pick(MEMBERS) : g.chance(0.5) ? String(g.between(-1000, 1000)) : `m${g.int(100000)}`;
    if (seen.has(m)) continue;
    seen.add(m);
    out.push(Buffer.from(m, 'latin1'));
  }
  return out;
}

/** A valid serialized value of some type, in a form and size drawn near Redis' thresholds. */
function validBody(g: Gen): Buffer {
  switch (g.int(5)) {
    case 0:
      return encodeStringObject(Buffer.from(g.pick(['hello', '12', '-7', '2147483648', 'x'.repeat(50), '', '3.14']), 'latin1'));
    case 1: {
      const list = new ListEncoder();
      for (const m of members(g, 20, true)) list.add(m);
      return list.finish();
    }
    case 2: {
      const ms = members(g, 10);
      const ints = ms.filter((m) => /^(0|-?[1-9][0-9]{0,17})$/.test(m.toString('latin1')));
      return g.chance(0.4) && ints.length > 0 ? encodeSet(ints, true) : encodeSet(ms, false);
    }
    case 3: {
      // Short members and few: a skiplist in Redis would leave the lex ranges other families ask undefined.
      const entries = members(g, 10).filter((m) => m.length <= 64).map((member) => ({ member, score: g.pick([0, 1, -1.5, 0.1, 1e20, Infinity, -Infinity, g.int(1000)]) }));
      if (entries.length === 0) entries.push({ member: Buffer.from('a'), score: 1 });
      entries.sort((a, b) => a.score - b.score || Buffer.compare(a.member, b.member));
      return encodeZSet(entries, g.chance(0.5), (score) => listpackScoreText(score, formatDouble));
    }
    default: {
      const pairs = members(g, 10, true).flatMap((f) => [f, Buffer.from(g.pick(MEMBERS), 'latin1')]);
      return encodeHash(pairs, g.chance(0.5));
    }
  }
}

/** A payload RESTORE must refuse, each in a way both servers refuse alike. */
function brokenPayload(g: Gen): Buffer {
  const good = sealPayload(validBody(g));
  switch (g.int(7)) {
    case 0: {
      const bad = Buffer.from(good);
      bad[bad.length - 1 - g.int(8)] ^= 1 << g.int(8);
      return bad;
    }
    case 1: {
      const body = good.subarray(0, good.length - FOOTER_BYTES);
      const footer = Buffer.from(good.subarray(good.length - FOOTER_BYTES));
      footer.writeUInt16LE(g.pick([11, 12, 65535]), 0);
      return Buffer.concat([body, footer]);
    }
    case 2:
      return good.subarray(0, g.int(FOOTER_BYTES));
    case 3:
      return sealPayload(Buffer.from([g.pick([6, 7, 8, 20, 21, 22, 100, 255])]));
    case 4:
      return sealPayload(Buffer.from([g.pick([1, 2, 3, 4, 5, 18]), 0]));
    case 5:
      return sealPayload(Buffer.from([2, 2, 1, 0x61, 1, 0x61]));
    default:
      return sealPayload(Buffer.from([5, 1, 1, 0x61, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]));
  }
}

function restoreArgs(g: Gen): Arg[] {
  const { ttl, options } = restoreOptions(g);
  const payload = g.chance(0.8) ? sealPayload(validBody(g)) : brokenPayload(g);
  return [g.key(), ttl, payload, ...options];
}

/**
 * MIGRATE to a port nobody listens on (the two servers cannot be each other's target with the same
 * arguments): its argument errors, +NOKEY, and the write that fails, with every option.
 */
function migrateArgs(g: Gen): Arg[] {
  const keysForm = g.chance(0.3);
  const args: Arg[] = ['127.0.0.1', '1', keysForm ? g.pick(['', '', 'k1']) : g.key(), g.pick(['0', '1', 'x']), g.pick(['100', '0', '-1', 'y'])];
  if (g.chance(0.3)) args.push('COPY');
  if (g.chance(0.3)) args.push('REPLACE');
  if (g.chance(0.2)) args.push(...g.pick([['AUTH', 'pw'], ['AUTH2', 'user', 'pw'], ['AUTH'], ['AUTH2', 'user']]));
  if (g.chance(0.05)) args.push('BOGUS');
  if (keysForm) args.push('KEYS', ...g.keys(1, 3));
  return args;
}

const commands: CommandSpec[] = [
  { name: 'MIGRATE', weight: 1, args: migrateArgs, truncateBelow: 5 },
  { name: 'DUMP', weight: 6, args: (g) => [g.key()], rule: samePayload },
  // EVAL again (scripting.ts has it with other bodies): exact, as there.
  { name: 'EVAL', weight: 6, args: copyArgs, truncateBelow: 4 },
  { name: 'RESTORE', weight: 5, args: restoreArgs, truncateBelow: 3 },
  { name: 'RESTORE-ASKING', weight: 1, args: restoreArgs, truncateBelow: 3 },
];

export const dump: Family = { name: 'dump', commands };
