/**
 * Redis 7.0's script shebang: a body starting with `#!lua [flags=a,b]` names its engine and flags
 * (evalExtractShebangFlags). Only `no-writes` changes anything here (the script is read-only); the
 * others (allow-oom, allow-stale, no-cluster, allow-cross-slot-keys) are accepted, as there is no
 * OOM, replica or cluster state for them to relax.
 */
const KNOWN_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export interface Shebang {
  /** The body has a shebang: its flags are declared (Redis' non-compat mode, checked before it runs). */
  readonly declared: boolean;
  readonly noWrites: boolean;
  /** The body Lua compiles: the shebang line blanked, so line numbers stay those of the script. */
  readonly source: Buffer;
}

/** The body's shebang, or Redis' error text; a body without one has no flags. */
export function parseShebang(body: Buffer): Shebang | string {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { declared: false, noWrites: false, source: body };
  const newline = body.indexOf(0x0a);
  if (newline < 0) return 'ERR Invalid script shebang';
  const words = body.toString('latin1', 0, newline).split(/[ \t\r]+/).filter((w) => w.length > 0);
  if (words[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${words[0]}`;
  let noWrites = false;
  for (const option of words.slice(1)) {
    if (!option.startsWith('flags=')) return `ERR Unknown lua shebang option: ${option}`;
    for (const flag of option.slice('flags='.length).split(',')) {
      if (flag === '') continue;
      if (!KNOWN_FLAGS.has(flag)) return `ERR Unexpected flag in script shebang: ${flag}`;
      if (flag === 'no-writes') noWrites = true;
    }
  }
  return { declared: true, noWrites, source: body.subarray(newline) };
}
