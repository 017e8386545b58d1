/**
 * The command table: name → entry (the table's data, what is derived from it, the handler, and
 * the INFO commandstats counters).
 *
 * Lookup hashes the name's bytes case-insensitively straight from the request Buffer and then
 * compares bytes, so dispatching `get`, `GET` or `Get` allocates no string. Everything the
 * dispatcher tests per call is a bit of `flagBits`; everything COMMAND INFO and COMMAND DOCS
 * print is computed once, when the entry is made.
 *
 * Generic in the handler type `H`: the registry never calls a handler, and naming the handler's
 * type here would import the command context, which names this table (an import circle).
 */
import {
  ACL_CATEGORIES, COMMAND_FLAGS, GROUP_CATEGORIES, KEY_SPEC_FLAGS,
  type AclCategory, type CommandDef, type CommandGroup, type KeySpec, type Redaction,
} from './schema.js';
import { commandDocs, maxKeySpecIndex, parseSyntax, type DocValue } from './docs.js';

/** Bits for what the dispatcher tests on every call (Redis flags first, then the table's dispatch properties). */
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
export const FLAG_SKIP_SLOWLOG = 2048;
export const FLAG_ALLOW_BUSY = 4096;
/** CommandDef.runsInMulti (on a container: all its subcommands). */
export const FLAG_RUNS_IN_MULTI = 1 << 16;
/** CommandDef.runsTransaction */
export const FLAG_RUNS_TRANSACTION = 1 << 17;
/** CommandDef.wholeKeyspace */
export const FLAG_WHOLE_KEYSPACE = 1 << 18;
/** CommandDef.deniedOnWriteFailure */
export const FLAG_DENIED_ON_WRITE_FAILURE = 1 << 19;
/** CommandDef.mayReplicate */
export const FLAG_MAY_REPLICATE = 1 << 21;
/** CommandDef.allowedWhileSubscribed */
export const FLAG_ALLOWED_WHILE_SUBSCRIBED = 1 << 20;
/** CommandDef.runsScript */
export const FLAG_RUNS_SCRIPT = 1 << 22;

const FLAG_BITS: Partial<Record<string, number>> = {
  write: FLAG_WRITE, readonly: FLAG_READONLY, denyoom: FLAG_DENYOOM, admin: FLAG_ADMIN, no_auth: FLAG_NOAUTH,
  no_multi: FLAG_NOMULTI, loading: FLAG_LOADING, stale: FLAG_STALE, fast: FLAG_FAST, noscript: FLAG_NOSCRIPT,
  blocking: FLAG_BLOCKING, skip_slowlog: FLAG_SKIP_SLOWLOG, allow_busy: FLAG_ALLOW_BUSY,
};
/** Properties a container passes on to its subcommands (the dispatcher looks at the subcommand's entry). */
const INHERITED_BITS = FLAG_RUNS_IN_MULTI | FLAG_RUNS_TRANSACTION | FLAG_WHOLE_KEYSPACE | FLAG_DENIED_ON_WRITE_FAILURE;

/**
 * A command as the table gets it: a table entry with its handler attached, or a command defined
 * in code (tests, and whatever embeds StrataKV). Code-defined commands may give their keys as
 * Redis modules do, a first/last/step triple, which becomes one range key spec; their flags and
 * group are checked when the entry is made instead of by the compiler.
 */
export interface CommandSource<H> extends Omit<CommandDef, 'flags' | 'group' | 'subcommands'> {
  readonly flags: readonly string[];
  readonly group: string;
  /** Key positions as COMMAND INFO's legacy triple: 0 = no keys; lastKey -1 = the last argument. Not with keySpecs. */
  readonly firstKey?: number;
  readonly lastKey?: number;
  readonly step?: number;
  /** Absent only on a container that cannot run without a subcommand (CONFIG, CLIENT ...). */
  readonly handler?: H;
  readonly subcommands?: ReadonlyArray<CommandSource<H>>;
}

/** The legacy key triple of COMMAND INFO. */
export interface KeyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export class CommandEntry<H> {
  readonly flagBits: number;
  /** Full lower-case name: 'get', 'config|get'. */
  readonly fullName: string;
  /** The arity error, naming the command as Redis does ('get', 'config|get'). */
  readonly arityError: string;
  readonly arity: number;
  readonly handler: H | null;
  readonly subcommands: CommandTable<H> | null;
  /** Lower-case bytes of the (sub)command word, for lookup comparison. */
  readonly nameBytes: Buffer;
  /**
   * The lower-case word the table finds this entry by: nameBytes unless `rename-command` gave it
   * another. Everything else (errors, stats, COMMAND output) keeps the real name, as in Redis.
   */
  lookupName: Buffer;
  readonly keySpecs: readonly KeySpec[];
  readonly hasKeys: boolean;
  /** The key specs keyIndexes() follows: all but those of arguments that are not keys (not_key). */
  private readonly keySearch: readonly KeySpec[];
  /** The ACL access each of keySearch's specs asks for (KEY_NEEDS_* bits). */
  private readonly keyNeeds: readonly number[];
  /** When every spec is an index + range with fixed flags: (index, lastKey, step, needs) per spec, for collectKeys' fast path. */
  private readonly fixedKeys: Int32Array | null;
  /** COMMAND INFO: flags in Redis' order (with movablekeys when derived), legacy key range, '@'-categories, tips. */
  readonly infoFlags: readonly string[];
  readonly keyRange: KeyRange;
  readonly aclCategories: readonly string[];
  readonly tips: readonly string[];
  /** COMMAND DOCS map. */
  readonly docs: DocValue;
  readonly redact: Redaction | null;
  /** CommandDef.protectedBy: the parameter that must allow this command. */
  readonly protectedBy: string | null;
  // INFO commandstats
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(readonly def: CommandSource<H>, readonly parent: CommandEntry<H> | null) {
    this.fullName = def.name.toLowerCase();
    const where = `command '${this.fullName}'`;
    if (parent !== null && !this.fullName.startsWith(parent.fullName + '|')) throw new Error(`${where}: a subcommand of '${parent.fullName}' is named '${parent.fullName}|...'`);
    if (parent === null && this.fullName.includes('|')) throw new Error(`${where}: only subcommands have a '|' in their name`);
    const word = parent === null ? this.fullName : this.fullName.slice(parent.fullName.length + 1);
    this.nameBytes = Buffer.from(word, 'latin1');
    this.lookupName = this.nameBytes;
    this.arity = def.arity;
    this.arityError = `ERR wrong number of arguments for '${this.fullName}' command`;
    this.redact = def.redact ?? null;
    this.protectedBy = def.protectedBy ?? null;

    let bits = parent === null ? 0 : parent.flagBits & INHERITED_BITS;
    for (const f of def.flags) {
      if (!(COMMAND_FLAGS as readonly string[]).includes(f) || f === 'movablekeys') throw new Error(`${where}: unknown flag '${f}'`);
      bits |= FLAG_BITS[f] ?? 0;
    }
    if (def.runsInMulti) bits |= FLAG_RUNS_IN_MULTI;
    if (def.runsTransaction) bits |= FLAG_RUNS_TRANSACTION;
    if (def.wholeKeyspace) bits |= FLAG_WHOLE_KEYSPACE;
    if (def.deniedOnWriteFailure) bits |= FLAG_DENIED_ON_WRITE_FAILURE;
    if (def.allowedWhileSubscribed) bits |= FLAG_ALLOWED_WHILE_SUBSCRIBED;
    if (def.mayReplicate) bits |= FLAG_MAY_REPLICATE;
    if (def.runsScript) bits |= FLAG_RUNS_SCRIPT;
    this.flagBits = bits;

    this.keySpecs = keySpecsOf(def, where);
    this.keySearch = this.keySpecs.filter((s) => !s.flags.includes('not_key'));
    this.keyNeeds = this.keySearch.map(keyNeedsOf);
    this.fixedKeys = fixedKeysOf(def, this.keySearch, this.keyNeeds);
    this.hasKeys = this.keySearch.length > 0;
    this.keyRange = legacyKeyRange(this.keySpecs);
    const movable = this.keySpecs.some((s) => !('index' in s.begin) || !('lastKey' in s.find));
    this.infoFlags = COMMAND_FLAGS.filter((f) => def.flags.includes(f) || (f === 'movablekeys' && movable));
    this.tips = def.tips ?? [];

    const subs = def.subcommands ?? [];
    if (subs.length > 0) {
      const table = new CommandTable<H>();
      for (const sub of subs) table.addEntry(new CommandEntry(sub, this));
      this.subcommands = table;
    } else {
      this.subcommands = null;
    }
    this.aclCategories = aclCategoriesOf(def, this.subcommands !== null, where);
    // (A code-defined container may bring a handler it never needs; the table may not, see attachHandlers.)
    if (runsItself(def) && def.handler === undefined) throw new Error(`${where} has no handler`);
    this.handler = def.handler ?? null;

    let args;
    try {
      args = def.args === undefined ? [] : parseSyntax(def.args);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    if (maxKeySpecIndex(args) >= this.keySpecs.length) throw new Error(`${where}: a key argument names a key spec it does not have`);
    const subDocs = this.subcommands === null ? [] : this.subcommands.entries().map((s) => [s.fullName, s.docs] as const);
    this.docs = commandDocs(def, args, subDocs);
  }

  /** True when `argc` (argument count including the command name) satisfies the arity. */
  arityOk(argc: number): boolean {
    const a = this.arity;
    return a >= 0 ? argc === a : argc >= -a;
  }

  /**
   * Whether the arguments put a key spec's keys out of reach (a key count that is not one, or
   * that runs past the end; a fixed position past the end), where Redis' getKeysUsingKeySpecs
   * gives up: COMMAND GETKEYS then finds no keys at all, while dispatch uses those it can reach.
   */
  keysOutOfRange(argv: readonly Buffer[]): boolean {
    if (this.def.keyFinder !== undefined) return false;
    for (const spec of this.keySearch) {
      const begin = spec.begin;
      const find = spec.find;
      if ('unknown' in begin || 'unknown' in find) continue;
      if ('index' in begin && begin.index >= argv.length) return true;
      const first = beginOf(spec, argv);
      if (first < 0) continue;
      if ('lastKey' in find) {
        if (find.lastKey >= 0 && first + find.lastKey >= argv.length) return true;
      } else {
        const count = countAt(argv, first + find.keyNumIndex);
        if (count <= 0 || first + find.firstKey + (count - 1) * find.step >= argv.length) return true;
      }
    }
    return false;
  }

  /**
   * Indexes of the key arguments in argv, from the key specs, in their order (Redis'
   * getKeysUsingKeySpecs). Positions past the end are left out, as is everything when a key count
   * is not a count (the command will answer with its own error). With `specs`, the key spec that
   * found each key is pushed there too (COMMAND GETKEYSANDFLAGS prints its flags); SORT's STORE
   * destination gets the last spec, the STORE key's, as Redis' sortGetKeys flags it.
   */
  keyIndexes(argv: readonly Buffer[], specs?: KeySpec[]): number[] {
    const refs = scratchKeyRefs;
    this.collectKeys(argv, refs);
    if (specs !== undefined) for (let k = 0; k < refs.count; k++) specs.push(this.keySearch[refs.specs[k]]);
    return refs.positions.slice(0, refs.count);
  }

  /**
   * The key arguments as keyIndexes() finds them, each with the access its key spec declares
   * (KEY_NEEDS_READ / KEY_NEEDS_WRITE, what an ACL key pattern must grant) and that spec's index in
   * keySearch, into `out`, which is reused from call to call so that the ACL check on every
   * command allocates nothing.
   */
  collectKeys(argv: readonly Buffer[], out: KeyRefs): void {
    out.count = 0;
    const fixed = this.fixedKeys;
    if (fixed !== null) {
      // The common shape (GET, SET, MGET...): index + range specs, read from a flat array.
      for (let s = 0; s < fixed.length; s += 4) {
        const first = fixed[s];
        if (first >= argv.length) continue;
        const lastKey = fixed[s + 1];
        const last = lastKey >= 0 ? first + lastKey : argv.length + lastKey;
        const step = fixed[s + 2];
        for (let i = first; i <= last && i < argv.length; i += step) out.push(i, fixed[s + 3], s / 4);
      }
      return;
    }
    if (this.def.keyFinder === 'sort') {
      // Redis' sortGetKeys: the sorted key is read, the STORE destination overwritten.
      const [key, store] = sortKeyIndexes(argv);
      if (key !== undefined) out.push(key, KEY_NEEDS_READ, 0);
      if (store !== undefined) out.push(store, KEY_NEEDS_WRITE, this.keySearch.length - 1);
      return;
    }
    const specs = this.keySearch;
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s];
      const first = beginOf(spec, argv);
      if (first < 0) continue;
      const find = spec.find;
      if ('unknown' in find) continue;
      let from = first;
      let last: number;
      if ('lastKey' in find) {
        if (find.lastKey >= 0) last = first + find.lastKey;
        else if (find.limit <= 1) last = argv.length + find.lastKey;
        else last = first + Math.floor((argv.length - first) / find.limit) + find.lastKey;
      } else {
        const count = countAt(argv, first + find.keyNumIndex);
        if (count < 0) {
          out.count = 0;
          return;
        }
        from = first + find.firstKey;
        last = from + (count - 1) * find.step;
      }
      const needs = this.keyNeeds[s] >= 0 ? this.keyNeeds[s] : variableKeyNeeds(this.fullName, argv);
      for (let i = from; i <= last && i < argv.length; i += find.step) out.push(i, needs, s);
    }
  }
}

/**
 * The access of a key whose spec says variable_flags, as Redis' getkeys procs give it: SET reads
 * its key only with GET (setGetKeys); BITFIELD only writes with SET or INCRBY, or when it cannot
 * tell (bitfieldGetKeys). Unknown commands are taken as reading and writing.
 */
function variableKeyNeeds(fullName: string, argv: readonly Buffer[]): number {
  const word = (i: number): string => argv[i].toString('latin1').toLowerCase();
  if (fullName === 'set') {
    for (let i = 3; i < argv.length; i++) if (word(i) === 'get') return KEY_NEEDS_READ | KEY_NEEDS_WRITE;
    return KEY_NEEDS_WRITE;
  }
  if (fullName === 'bitfield') {
    for (let i = 2; i < argv.length; i++) {
      const remaining = argv.length - i - 1;
      const arg = word(i);
      if (arg === 'get' && remaining >= 2) i += 2;
      else if (arg === 'overflow' && remaining >= 1) i += 1;
      else return KEY_NEEDS_READ | KEY_NEEDS_WRITE;
    }
    return KEY_NEEDS_READ;
  }
  return KEY_NEEDS_READ | KEY_NEEDS_WRITE;
}

/** What an ACL key pattern must grant for a key: read (the spec's `access`), write (`insert`, `delete`, `update`). */
export const KEY_NEEDS_READ = 1;
export const KEY_NEEDS_WRITE = 2;

/** Key positions and the access each needs, filled by CommandEntry.collectKeys; `count` entries are valid. */
export class KeyRefs {
  count = 0;
  readonly positions: number[] = [];
  readonly needs: number[] = [];
  /** The index in the command's keySearch of the spec that found each key. */
  readonly specs: number[] = [];

  push(position: number, needs: number, spec: number): void {
    this.positions[this.count] = position;
    this.needs[this.count] = needs;
    this.specs[this.count] = spec;
    this.count++;
  }
}

/** keyIndexes()'s working space: it copies the positions out before it returns, so one serves every call. */
const scratchKeyRefs = new KeyRefs();

/** The flat form of key specs that are all index + range (lastKey absolute or from the end, no limit) with fixed flags, or null. */
function fixedKeysOf<H>(def: CommandSource<H>, specs: readonly KeySpec[], needs: readonly number[]): Int32Array | null {
  if (def.keyFinder !== undefined) return null;
  const out: number[] = [];
  for (let s = 0; s < specs.length; s++) {
    const { begin, find } = specs[s];
    if (!('index' in begin) || !('lastKey' in find) || needs[s] < 0) return null;
    if (find.lastKey < 0 && find.limit > 1) return null;
    out.push(begin.index, find.lastKey, find.step, needs[s]);
  }
  return Int32Array.from(out);
}

/** -1 for a spec whose flags depend on the arguments (variable_flags): see variableKeyNeeds. */
function keyNeedsOf(spec: KeySpec): number {
  if (spec.flags.includes('variable_flags')) return -1;
  let needs = 0;
  if (spec.flags.includes('access')) needs |= KEY_NEEDS_READ;
  if (spec.flags.includes('insert') || spec.flags.includes('delete') || spec.flags.includes('update')) needs |= KEY_NEEDS_WRITE;
  return needs;
}

/**
 * Whether a command ever runs its own handler: all but the containers that cannot come without a
 * subcommand (CONFIG, CLIENT); a container whose arity lets it come alone runs itself (COMMAND).
 */
function runsItself(def: { readonly arity: number; readonly subcommands?: readonly unknown[] }): boolean {
  return def.subcommands === undefined || def.subcommands.length === 0 || def.arity === -1 || def.arity === 1;
}

/** The key specs of a command: its own, or one range spec made from a code-defined legacy triple. */
function keySpecsOf<H>(def: CommandSource<H>, where: string): readonly KeySpec[] {
  const first = def.firstKey ?? 0;
  if (first <= 0) {
    const specs = def.keySpecs ?? [];
    for (const s of specs) {
      for (const f of s.flags) if (!KEY_SPEC_FLAGS.includes(f)) throw new Error(`${where}: unknown key-spec flag '${f}'`);
      if (!('unknown' in s.find) && s.find.step < 1) throw new Error(`${where}: a key spec's step is at least 1`);
    }
    return specs;
  }
  if (def.keySpecs !== undefined) throw new Error(`${where}: key specs or a first/last/step triple, not both`);
  const last = def.lastKey ?? first;
  return [{
    flags: def.flags.includes('write') ? ['RW', 'access', 'update'] : ['RO', 'access'],
    begin: { index: first },
    find: { lastKey: last < 0 ? last : last - first, step: Math.max(1, def.step ?? 1), limit: 0 },
  }];
}

/**
 * COMMAND INFO's first/last/step, as Redis derives it from the key specs: the one spec when it is
 * an index + range; otherwise the span of the index + range specs (others are skipped) that
 * follow each other with step 1 (0, 0, 0 when there are none, or they leave gaps).
 */
function legacyKeyRange(specs: readonly KeySpec[]): KeyRange {
  const none = { first: 0, last: 0, step: 0 };
  const ranges: Array<{ index: number; lastKey: number; step: number }> = [];
  for (const s of specs) if ('index' in s.begin && 'lastKey' in s.find) ranges.push({ index: s.begin.index, lastKey: s.find.lastKey, step: s.find.step });
  if (ranges.length === 0) return none;
  if (specs.length === 1) {
    const r = ranges[0];
    return { first: r.index, last: r.lastKey < 0 ? r.lastKey : r.index + r.lastKey, step: r.step };
  }
  let first = Number.MAX_SAFE_INTEGER;
  let last = 0;
  let previousLast = 0;
  for (const r of ranges) {
    if (r.step !== 1 || (previousLast !== 0 && previousLast !== r.index - 1)) return none;
    first = Math.min(first, r.index);
    const absolute = r.lastKey >= 0 ? r.index + r.lastKey : r.lastKey;
    // Compared as Redis compares them, unsigned: a last counted from the end lies beyond any absolute one.
    if (absolute >>> 0 > last >>> 0) last = absolute;
    previousLast = last;
  }
  return { first, last, step: 1 };
}

/**
 * SORT's keys as Redis' sortGetKeys finds them: the key, and the argument after the last STORE.
 * Options are skipped with their arguments (LIMIT 2, GET and BY 1); anything else is taken for an
 * option without arguments, so an argument after STORE is looked at as an option too.
 */
function sortKeyIndexes(argv: readonly Buffer[]): number[] {
  if (argv.length < 2) return [];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const word = argv[i].toString('latin1').toLowerCase();
    if (word === 'limit') i += 2;
    else if (word === 'get' || word === 'by') i += 1;
    else if (word === 'store' && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

/** Where a spec's keys start in argv, or -1 (index past the end, keyword absent, unknown). */
function beginOf(spec: KeySpec, argv: readonly Buffer[]): number {
  const begin = spec.begin;
  if ('unknown' in begin) return -1;
  if ('index' in begin) return begin.index < argv.length ? begin.index : -1;
  const keyword = begin.keyword.toLowerCase();
  if (begin.startFrom >= 0) {
    for (let i = begin.startFrom; i < argv.length; i++) if (argv[i].toString('latin1').toLowerCase() === keyword) return i + 1;
  } else {
    for (let i = argv.length + begin.startFrom; i >= 1; i--) if (argv[i].toString('latin1').toLowerCase() === keyword) return i + 1;
  }
  return -1;
}

/** A non-negative key count at argv[i], or -1. */
function countAt(argv: readonly Buffer[], i: number): number {
  if (i >= argv.length) return -1;
  const text = argv[i].toString('latin1');
  return /^(0|[1-9]\d{0,8})$/.test(text) ? Number(text) : -1;
}

/** '@'-categories in Redis' order, derived as the top of schema.ts says. */
function aclCategoriesOf<H>(def: CommandSource<H>, isContainer: boolean, where: string): readonly string[] {
  if (!Object.hasOwn(GROUP_CATEGORIES, def.group)) throw new Error(`${where}: unknown group '${def.group}'`);
  const cats = new Set<AclCategory>(def.acl ?? []);
  for (const c of cats) if (!ACL_CATEGORIES.includes(c)) throw new Error(`${where}: unknown ACL category '${c}'`);
  const flags = def.flags;
  if (flags.includes('write')) cats.add('write');
  // Redis keeps scripting commands out of @read (EVAL_RO is readonly, yet only @slow @scripting).
  if (flags.includes('readonly') && def.group !== 'scripting') cats.add('read');
  if (flags.includes('admin')) cats.add('admin').add('dangerous');
  if (flags.includes('pubsub')) cats.add('pubsub');
  if (flags.includes('fast')) cats.add('fast');
  if (flags.includes('blocking')) cats.add('blocking');
  // Redis' containers carry no categories of their own beyond @slow.
  const byGroup = isContainer || def.withoutGroupCategory ? null : GROUP_CATEGORIES[def.group as CommandGroup];
  if (byGroup !== null) cats.add(byGroup);
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORIES.filter((c) => cats.has(c)).map((c) => '@' + c);
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

export class CommandTable<H> {
  /** hash → entry; collisions chain through `collisions`. */
  private readonly byHash = new Map<number, CommandEntry<H>>();
  private readonly collisions = new Map<number, Array<CommandEntry<H>>>();
  private readonly ordered: Array<CommandEntry<H>> = [];
  private longestName = 0;

  get size(): number {
    return this.ordered.length;
  }

  /** Entries in registration order. */
  entries(): ReadonlyArray<CommandEntry<H>> {
    return this.ordered;
  }

  /**
   * Every entry that counts calls, as INFO commandstats lists them: a container's subcommands in
   * its place ('config|get'), every other command itself.
   */
  *countedEntries(): IterableIterator<CommandEntry<H>> {
    for (const e of this.ordered) {
      if (e.subcommands) yield* e.subcommands.entries();
      else yield e;
    }
  }

  add(source: CommandSource<H>): CommandEntry<H> {
    const entry = new CommandEntry(source, null);
    this.addEntry(entry);
    return entry;
  }

  addEntry(entry: CommandEntry<H>): void {
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

  private unindex(entry: CommandEntry<H>): void {
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

  private index(entry: CommandEntry<H>): void {
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
  lookup(name: Uint8Array): CommandEntry<H> | undefined {
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

  lookupString(name: string): CommandEntry<H> | undefined {
    return this.lookup(Buffer.from(name, 'latin1'));
  }
}

/**
 * Joins the table's entries with their handlers, by full name ('get', 'config|get'). Throws when
 * an entry that runs has no handler, or a handler has no entry (a handler for a container that
 * never runs itself would be one nobody calls): a command cannot half exist.
 */
export function attachHandlers<H>(defs: readonly CommandDef[], handlerMaps: ReadonlyArray<Readonly<Record<string, H>>>): Array<CommandSource<H>> {
  const handlers = new Map<string, H>();
  for (const map of handlerMaps) {
    for (const [name, handler] of Object.entries(map)) {
      if (handlers.has(name)) throw new Error(`two handlers for command '${name}'`);
      handlers.set(name, handler);
    }
  }
  const used = new Set<string>();
  const join = (def: CommandDef): CommandSource<H> => {
    const handler = handlers.get(def.name);
    if (runsItself(def) && handler === undefined) throw new Error(`command '${def.name}' has no handler`);
    if (!runsItself(def) && handler !== undefined) throw new Error(`command '${def.name}' is a container that never runs itself: it takes no handler`);
    if (handler !== undefined) used.add(def.name);
    const subcommands = def.subcommands?.map(join);
    return { ...def, handler, subcommands };
  };
  const joined = defs.map(join);
  const orphans = [...handlers.keys()].filter((name) => !used.has(name));
  if (orphans.length > 0) throw new Error(`handlers without a command table entry: ${orphans.join(', ')}`);
  return joined;
}
