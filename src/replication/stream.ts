/**
 * What goes into the replication stream for a write: the command as the client sent it, with
 * what would come out differently on the replica made absolute first, as Redis' propagation
 * rewrites do (expire.c, t_string.c): a relative time to live becomes an absolute unix time in
 * milliseconds (EXPIRE/PEXPIRE/EXPIREAT -> PEXPIREAT, SETEX/PSETEX and SET EX|PX|EXAT -> SET PXAT,
 * GETEX EX|PX|EXAT|PXAT -> PEXPIREAT, GETEX PERSIST -> PERSIST, RESTORE ttl -> RESTORE ... ABSTTL),
 * so the key expires at the same moment on every server however late the replica applies it.
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
 * The commands to propagate for a write that changed the data: `argv` itself, or its rewrite.
 * `now`: the time the command ran at (ms), so relative times resolve as they did for it.
 */
export function rewriteForReplicas(argv: readonly Buffer[], now: number): readonly Buffer[] {
  const name = lower(argv[0]);
  switch (name) {
    case 'expire':
    case 'pexpire':
    case 'expireat': {
      const n = int(argv[2]);
      if (n === null) return argv;
      const at = name === 'expire' ? now + n * 1000 : name === 'pexpire' ? now + n : n * 1000;
      return [buf('PEXPIREAT'), argv[1], buf(at), ...argv.slice(3)];
    }
    case 'setex':
    case 'psetex': {
      const n = int(argv[2]);
      if (n === null) return argv;
      return [buf('SET'), argv[1], argv[3], buf('PXAT'), buf(now + (name === 'setex' ? n * 1000 : n))];
    }
    case 'set': {
      if (!argv.some((a, i) => i >= 3 && /^(ex|px|exat)$/i.test(a.toString('latin1')))) return argv;
      const out: Buffer[] = [argv[0], argv[1], argv[2]];
      for (let i = 3; i < argv.length; i++) {
        const opt = lower(argv[i]);
        const n = int(argv[i + 1]);
        if ((opt === 'ex' || opt === 'px' || opt === 'exat') && n !== null) {
          out.push(buf('PXAT'), buf(opt === 'ex' ? now + n * 1000 : opt === 'px' ? now + n : n * 1000));
          i++;
        } else out.push(argv[i]);
      }
      return out;
    }
    case 'getex': {
      for (let i = 2; i < argv.length; i++) {
        const opt = lower(argv[i]);
        if (opt === 'persist') return [buf('PERSIST'), argv[1]];
        const n = int(argv[i + 1]);
        if (n === null) continue;
        if (opt === 'ex') return [buf('PEXPIREAT'), argv[1], buf(now + n * 1000)];
        if (opt === 'px') return [buf('PEXPIREAT'), argv[1], buf(now + n)];
        if (opt === 'exat') return [buf('PEXPIREAT'), argv[1], buf(n * 1000)];
        if (opt === 'pxat') return [buf('PEXPIREAT'), argv[1], buf(n)];
      }
      return argv;
    }
    case 'restore': {
      const ttl = int(argv[2]);
      if (ttl === null || ttl === 0 || argv.slice(4).some((a) => lower(a) === 'absttl')) return argv;
      return [argv[0], argv[1], buf(now + ttl), ...argv.slice(3), buf('ABSTTL')];
    }
    default:
      return argv;
  }
}
