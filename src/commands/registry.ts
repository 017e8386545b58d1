/**
 * The command table: name → entry (spec + precomputed flag bits, error texts and statistics).
 *
 * Lookup hashes the name's bytes case-insensitively straight from the request Buffer and then
 * compares bytes, so dispatching `get`, `GET` or `Get` allocates no string. Entries carry their
 * INFO commandstats counters, so counting a call is a field increment.
 */
import type { CommandSpec } from './types.js';

/** Bits for the flags the dispatcher tests on every call (the rest are only reported). */
export const FLAG_WRITE = 1;
export const FLAG_READONLY = 2;
export const FLAG_DENYOOM = 4;
export const FLAG_ADMIN = 8;
export const FLAG_NOAUTH = 16;
export const FLAG_NOMULTI = 32;
export const FLAG_LOADING = 64;
export const FLAG_STALE = 128;
export const FLAG_FAST = 256;
export const FLAG_NOSCRIPT = 512;
export const FLAG_BLOCKING = 1024;

const FLAG_BITS: Record<string, number> = {
  write: FLAG_WRITE, readonly: FLAG_READONLY, denyoom: FLAG_DENYOOM, admin: FLAG_ADMIN, 'no-auth': FLAG_NOAUTH,
  'no-multi': FLAG_NOMULTI, loading: FLAG_LOADING, stale: FLAG_STALE, fast: FLAG_FAST, noscript: FLAG_NOSCRIPT,
  blocking: FLAG_BLOCKING,
};

export class CommandEntry {
  readonly flagBits: number;
  /** Full lower-case name: 'get', 'config|get'. */
  readonly fullName: string;
  /** The name as Redis prints it in errors and COMMAND output ('get', 'config|get'). */
  readonly arityError: string;
  readonly subcommands: CommandTable | null;
  /** Lower-case bytes of the (sub)command word, for lookup comparison. */
  readonly nameBytes: Buffer;
  /**
   * The lower-case word the table finds this entry by: nameBytes unless `rename-command` gave it
   * another. Everything else (errors, stats, COMMAND output) keeps the real name, as in Redis.
   */
  lookupName: Buffer;
  readonly hasKeys: boolean;
  // INFO commandstats
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(readonly spec: CommandSpec, readonly parent: CommandEntry | null) {
    let bits = 0;
    for (const f of spec.flags) bits |= FLAG_BITS[f] ?? 0;
    this.flagBits = bits;
    this.fullName = spec.name.toLowerCase();
    const word = parent === null ? this.fullName : this.fullName.slice(this.fullName.indexOf('|') + 1);
    this.nameBytes = Buffer.from(word, 'latin1');
    this.lookupName = this.nameBytes;
    this.arityError = `ERR wrong number of arguments for '${this.fullName}' command`;
    this.hasKeys = spec.firstKey > 0 || spec.keys !== undefined;
    if (spec.subcommands && spec.subcommands.length > 0) {
      const table = new CommandTable();
      for (const sub of spec.subcommands) table.addEntry(new CommandEntry(sub, this));
      this.subcommands = table;
    } else {
      this.subcommands = null;
    }
  }

  /** True when `argc` (argument count including the command name) satisfies the arity. */
  arityOk(argc: number): boolean {
    const a = this.spec.arity;
    return a >= 0 ? argc === a : argc >= -a;
  }

  /**
   * Indexes of the key arguments in argv, from the spec's key positions (or its `keys` function).
   * Positions past the end are ignored, as Redis' getKeysFromCommand does.
   */
  keyIndexes(argv: Buffer[]): number[] {
    return keyIndexesOf(this.spec, argv);
  }
}

/** CommandEntry.keyIndexes for a bare spec (EXEC's queue holds specs). */
export function keyIndexesOf(spec: CommandSpec, argv: Buffer[]): number[] {
  if (spec.keys !== undefined) return spec.keys(argv);
  const out: number[] = [];
  if (spec.firstKey <= 0) return out;
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const step = spec.step > 0 ? spec.step : 1;
  for (let i = spec.firstKey; i <= last && i < argv.length; i += step) out.push(i);
  return out;
}

/** Case-insensitive hash of bytes; letters A-Z fold to a-z. */
function hashName(name: Uint8Array): number {
  let h = name.length | 0;
  for (let i = 0; i < name.length; i++) {
    let c = name[i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return h;
}

function sameNameIgnoringCase(lowerName: Buffer, candidate: Uint8Array): boolean {
  if (lowerName.length !== candidate.length) return false;
  for (let i = 0; i < candidate.length; i++) {
    let c = candidate[i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lowerName[i]) return false;
  }
  return true;
}

export class CommandTable {
  /** hash → entry; collisions chain through `collisions`. */
  private readonly byHash = new Map<number, CommandEntry>();
  private readonly collisions = new Map<number, CommandEntry[]>();
  private readonly ordered: CommandEntry[] = [];
  private longestName = 0;

  get size(): number {
    return this.ordered.length;
  }

  /** Entries in registration order. */
  entries(): readonly CommandEntry[] {
    return this.ordered;
  }

  add(spec: CommandSpec): CommandEntry {
    const entry = new CommandEntry(spec, null);
    this.addEntry(entry);
    return entry;
  }

  addEntry(entry: CommandEntry): void {
    if (this.lookupString(entry.lookupName.toString('latin1')) !== undefined) {
      throw new Error(`command '${entry.fullName}' registered twice`);
    }
    this.index(entry);
    this.ordered.push(entry);
  }

  /**
   * `rename-command from to`: the command answers to `to` only; an empty `to` removes it. Returns
   * Redis' config error text, or null when done.
   */
  rename(from: string, to: string): string | null {
    const entry = this.lookupString(from);
    if (entry === undefined) return 'No such command in rename-command';
    if (to !== '' && this.lookupString(to) !== undefined) return 'Target command name already exists';
    this.unindex(entry);
    if (to === '') {
      this.ordered.splice(this.ordered.indexOf(entry), 1);
      return null;
    }
    entry.lookupName = Buffer.from(to.toLowerCase(), 'latin1');
    this.index(entry);
    return null;
  }

  private unindex(entry: CommandEntry): void {
    const h = hashName(entry.lookupName);
    const list = this.collisions.get(h);
    if (list === undefined) {
      this.byHash.delete(h);
      return;
    }
    list.splice(list.indexOf(entry), 1);
    this.byHash.set(h, list[0]);
    if (list.length === 1) this.collisions.delete(h);
  }

  private index(entry: CommandEntry): void {
    const h = hashName(entry.lookupName);
    const first = this.byHash.get(h);
    if (first === undefined) this.byHash.set(h, entry);
    else {
      const list = this.collisions.get(h) ?? [first];
      list.push(entry);
      this.collisions.set(h, list);
    }
    if (entry.lookupName.length > this.longestName) this.longestName = entry.lookupName.length;
  }

  /** The entry named by the request's bytes (any case), or undefined. Allocates nothing. */
  lookup(name: Uint8Array): CommandEntry | undefined {
    if (name.length === 0 || name.length > this.longestName) return undefined;
    const h = hashName(name);
    const entry = this.byHash.get(h);
    if (entry === undefined) return undefined;
    if (sameNameIgnoringCase(entry.lookupName, name)) return entry;
    const list = this.collisions.get(h);
    if (list === undefined) return undefined;
    for (const e of list) if (sameNameIgnoringCase(e.lookupName, name)) return e;
    return undefined;
  }

  lookupString(name: string): CommandEntry | undefined {
    return this.lookup(Buffer.from(name, 'latin1'));
  }
}
