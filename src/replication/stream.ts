/**
 * What goes into the replication stream for a write: the command as the client sent it, with
 * what would come out differently on the replica made absolute first, as Redis' propagation
 * rewrites do (expire.c, t_string.c): a relative time to live becomes an absolute unix time in
 * milliseconds (EXPIRE/PEXPIRE/EXPIREAT -> PEXPIREAT, SETEX/PSETEX and SET EX|PX|EXAT -> SET PXAT,
 * GETEX EX|PX|EXAT|PXAT -> PEXPIREAT, GETEX PERSIST -> PERSIST, RESTORE ttl -> RESTORE ... ABSTTL),
 * so the key expires at the same moment on every server however late the replica applies it.
 * Field TTLs likewise, as Redis 7.4+ does (t_hash.c): HEXPIRE/HPEXPIRE/HEXPIREAT -> HPEXPIREAT,
 * HSETEX EX|PX|EXAT -> HSETEX PXAT, HGETEX EX|PX|EXAT|PXAT -> HPEXPIREAT and HGETEX PERSIST ->
 * HPERSIST; their times are computed from the command's start (a field's stored time is not read
 * back, unlike a key's).
 *
 * Commands are encoded as RESP arrays of bulk strings, the form a replica parses.
 */

const CRLF = '\r\n';

/** A command as a RESP array of bulk strings. */
export function encodeCommand(argv: readonly Buffer[]): Buffer {
  let size = 0;
  for (const a of argv) size += a.length;
  const out = Buffer.allocUnsafe(size + 16 + argv.length * 16);
  let at = out.write(`*${argv.length}${CRLF}`, 0, 'latin1');
  for (const a of argv) {
    at += out.write(`$${a.length}${CRLF}`, at, 'latin1');
    at += a.copy(out, at);
    at += out.write(CRLF, at, 'latin1');
  }
  return out.subarray(0, at);
}

export function encodeWords(...words: string[]): Buffer {
  return encodeCommand(words.map((w) => Buffer.from(w)));
}

function lower(b: Buffer): string {
  return b.toString('latin1').toLowerCase();
}

function int(b: Buffer | undefined): number | null {
  if (b === undefined) return null;
  const s = b.toString('latin1');
  if (!/^-?\d+$/.test(s)) return null;
  return Number(s);
}

const buf = (s: string | number): Buffer => Buffer.from(String(s));

/**
 * The key's expire time as stored now (ms), -1 without one, null when the key is gone, undefined
 * when it cannot be read synchronously (then the time is computed from the command's start).
 */
export type ExpireLookup = (key: Buffer) => number | null | undefined;

/**
 * The commands to propagate for a write that changed the data: `argv` itself, or its rewrite.
 * The absolute time is the one the command stored (read back with `expireOf`, exact to the ms);
 * `now`, the time the command started, is the fallback.
 */
export function rewriteForReplicas(argv: readonly Buffer[], now: number, expireOf: ExpireLookup): readonly Buffer[] {
  const name = lower(argv[0]);
  if (!TTL_COMMANDS.has(name) || argv.length < 3) return argv;
  const stored = expireOf(argv[1]);
  // Set and gone at once (a time in the past): Redis propagates the deletion.
  if (stored === null) return [buf('DEL'), argv[1]];
  // The key's own time says nothing of its fields'.
  if (FIELD_TTL_COMMANDS.has(name)) return rewriteFieldTtl(name, argv, now);
  const exact = (computed: number): number => (stored !== undefined && stored >= 0 ? stored : computed);
  return rewriteTtl(name, argv, now, exact);
}

const FIELD_TTL_COMMANDS = new Set(['hexpire', 'hpexpire', 'hexpireat', 'hsetex', 'hgetex']);
const TTL_COMMANDS = new Set(['expire', 'pexpire', 'expireat', 'setex', 'psetex', 'set', 'getex', 'restore', ...FIELD_TTL_COMMANDS]);

/**
 * argv[0, end) with each `EX s`, `PX ms` or `EXAT s` option in [from, end) replaced by
 * `PXAT <absolute ms>` (SET's and HSETEX's options); `exact` picks the time actually stored.
 */
function withPxat(argv: readonly Buffer[], from: number, end: number, now: number, exact: (computed: number) => number): Buffer[] {
  const out: Buffer[] = argv.slice(0, from);
  for (let i = from; i < end; i++) {
    const opt = lower(argv[i]);
    const n = i + 1 < end ? int(argv[i + 1]) : null;
    if ((opt === 'ex' || opt === 'px' || opt === 'exat') && n !== null) {
      out.push(buf('PXAT'), buf(exact(opt === 'ex' ? now + n * 1000 : opt === 'px' ? now + n : n * 1000)));
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** The FIELDS numfields field... tail of a hash-field command, from the FIELDS word on. */
function fieldsTail(argv: readonly Buffer[], from: number): readonly Buffer[] | null {
  for (let i = from; i < argv.length; i++) if (lower(argv[i]) === 'fields') return argv.slice(i);
  return null;
}

function rewriteFieldTtl(name: string, argv: readonly Buffer[], now: number): readonly Buffer[] {
  switch (name) {
    case 'hexpire':
    case 'hpexpire':
    case 'hexpireat': {
      // HEXPIRE key time [NX | XX | GT | LT] FIELDS numfields field...
      const n = int(argv[2]);
      if (n === null) return argv;
      const at = name === 'hexpire' ? now + n * 1000 : name === 'hpexpire' ? now + n : n * 1000;
      return [buf('HPEXPIREAT'), argv[1], buf(at), ...argv.slice(3)];
    }
    case 'hsetex': {
      // HSETEX key [FNX | FXX] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] FIELDS numfields field value...
      const tail = fieldsTail(argv, 2);
      const optionsEnd = tail === null ? argv.length : argv.length - tail.length;
      return [...withPxat(argv, 2, optionsEnd, now, (computed) => computed), ...(tail ?? [])];
    }
    case 'hgetex': {
      // HGETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST] FIELDS numfields field...
      const tail = fieldsTail(argv, 2);
      if (tail === null) return argv;
      const opt = lower(argv[2]);
      if (opt === 'persist') return [buf('HPERSIST'), argv[1], ...tail];
      const n = int(argv[3]);
      if (n === null) return argv;
      const at = opt === 'ex' ? now + n * 1000 : opt === 'px' ? now + n : opt === 'exat' ? n * 1000 : opt === 'pxat' ? n : null;
      return at === null ? argv : [buf('HPEXPIREAT'), argv[1], buf(at), ...tail];
    }
    default:
      return argv;
  }
}

function rewriteTtl(name: string, argv: readonly Buffer[], now: number, exact: (computed: number) => number): readonly Buffer[] {
  switch (name) {
    case 'expire':
    case 'pexpire':
    case 'expireat': {
      const n = int(argv[2]);
      if (n === null) return argv;
      const at = exact(name === 'expire' ? now + n * 1000 : name === 'pexpire' ? now + n : n * 1000);
      return [buf('PEXPIREAT'), argv[1], buf(at), ...argv.slice(3)];
    }
    case 'setex':
    case 'psetex': {
      const n = int(argv[2]);
      if (n === null) return argv;
      return [buf('SET'), argv[1], argv[3], buf('PXAT'), buf(exact(now + (name === 'setex' ? n * 1000 : n)))];
    }
    case 'set': {
      if (!argv.some((a, i) => i >= 3 && /^(ex|px|exat)$/i.test(a.toString('latin1')))) return argv;
      return withPxat(argv, 3, argv.length, now, exact);
    }
    case 'getex': {
      for (let i = 2; i < argv.length; i++) {
        const opt = lower(argv[i]);
        if (opt === 'persist') return [buf('PERSIST'), argv[1]];
        const n = int(argv[i + 1]);
        if (n === null) continue;
        if (opt === 'ex') return [buf('PEXPIREAT'), argv[1], buf(exact(now + n * 1000))];
        if (opt === 'px') return [buf('PEXPIREAT'), argv[1], buf(exact(now + n))];
        if (opt === 'exat') return [buf('PEXPIREAT'), argv[1], buf(exact(n * 1000))];
        if (opt === 'pxat') return [buf('PEXPIREAT'), argv[1], buf(exact(n))];
      }
      return argv;
    }
    case 'restore': {
      const ttl = int(argv[2]);
      if (ttl === null || ttl === 0 || argv.slice(4).some((a) => lower(a) === 'absttl')) return argv;
      return [argv[0], argv[1], buf(exact(now + ttl)), ...argv.slice(3), buf('ABSTTL')];
    }
    default:
      return argv;
  }
}

/**
 * The bulk and simple strings of a reply, in order, flattening arrays, sets and maps (integers,
 * doubles and nulls are skipped): what the reply-dependent rewrites below read.
 */
export function replyStrings(reply: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < reply.length) {
    const lf = reply.indexOf(10, i);
    if (lf < 0) break;
    const type = reply[i];
    if (type === 0x24 || type === 0x3d) {
      const n = Number(reply.toString('latin1', i + 1, lf - 1));
      if (n < 0) {
        i = lf + 1;
        continue;
      }
      out.push(reply.subarray(lf + 1, lf + 1 + n));
      i = lf + 1 + n + 2;
    } else {
      if (type === 0x2b) out.push(reply.subarray(i + 1, lf - 1));
      i = lf + 1;
    }
  }
  return out;
}

const BLOCKING_POPS: Readonly<Record<string, string>> = { blpop: 'LPOP', brpop: 'RPOP', bzpopmin: 'ZPOPMIN', bzpopmax: 'ZPOPMAX' };

/** Commands whose propagated form depends on their reply (what was chosen or generated). */
export function dependsOnReply(argv: readonly Buffer[]): boolean {
  const name = lower(argv[0]);
  return name === 'spop' || name === 'xadd' || name in BLOCKING_POPS || name === 'blmove' || name === 'brpoplpush' || name === 'blmpop' || name === 'bzmpop';
}

/**
 * The rewrite of a command whose effect was chosen at random or generated (Redis' propagation
 * of SPOP as SREM, XADD with the ID it made, and the blocking pops as their non-blocking forms),
 * from its reply's strings; `argv` itself when there is nothing to rewrite.
 */
export function rewriteByReply(argv: readonly Buffer[], reply: Buffer | null): readonly Buffer[] {
  const name = lower(argv[0]);
  const strings = reply === null ? [] : replyStrings(reply);
  switch (name) {
    case 'spop':
      return strings.length === 0 ? argv : [buf('SREM'), argv[1], ...strings];
    case 'xadd': {
      let i = 2;
      for (;;) {
        const opt = argv[i] === undefined ? '' : lower(argv[i]);
        if (opt === 'nomkstream') i++;
        else if (opt === 'maxlen' || opt === 'minid') {
          i++;
          if (argv[i] !== undefined && (argv[i].toString('latin1') === '=' || argv[i].toString('latin1') === '~')) i++;
          i++;
        } else if (opt === 'limit') i += 2;
        else break;
      }
      if (strings.length !== 1 || i >= argv.length) return argv;
      const out = [...argv];
      out[i] = strings[0];
      return out;
    }
    case 'blmove':
      return [buf('LMOVE'), ...argv.slice(1, 5)];
    case 'brpoplpush':
      return [buf('RPOPLPUSH'), argv[1], argv[2]];
    case 'blmpop':
    case 'bzmpop': {
      // BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]: the reply is [key, elements...].
      const numkeys = Number(argv[2].toString('latin1'));
      const where = lower(argv[3 + numkeys] ?? Buffer.alloc(0));
      const popped = name === 'blmpop' ? strings.length - 1 : (strings.length - 1) / 2;
      if (strings.length < 2 || popped < 1) return argv;
      const command = name === 'blmpop' ? (where === 'left' ? 'LPOP' : 'RPOP') : (where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX');
      return [buf(command), strings[0], buf(popped)];
    }
    default: {
      const pop = BLOCKING_POPS[name];
      if (pop === undefined || strings.length === 0) return argv;
      return [buf(pop), strings[0]];
    }
  }
}
