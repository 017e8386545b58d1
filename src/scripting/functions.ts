/**
 * The loaded function libraries (Redis 7.0's functionsLibCtx) and their on-disk records.
 *
 * A LibrarySet holds libraries by name (case-sensitive) and their functions by name (FCALL finds
 * them ignoring case, as Redis' dict does). The server has one current set; FUNCTION RESTORE loads
 * a payload into a fresh set first and then swaps it in (FLUSH) or joins it to the current one
 * (APPEND / REPLACE), so a payload that fails anywhere changes nothing. Every check happens before
 * anything changes: a failed command leaves the set as it was.
 *
 * Persistence (docs/format.md, "Function library record"): one engine record per library,
 * `0(4) 'F' name` → version byte + code. The commands write them in one batch per command; at
 * start the server loads every record back (loadStoredLibraries) before it serves clients.
 */
import { EntryKind, type BatchOp, type BinaryKey } from '../engine/types.js';
import type { Db } from '../engine/db.js';
import type { FunctionsVm } from './functions-vm.js';
import type { ScriptHost } from './lua-vm.js';
import { parseLibraryHeader, type Library, type LibraryFunction } from './function-library.js';

export const FUNCTION_RECORD_PREFIX: BinaryKey = '\0\0\0\0F';
const RECORD_VERSION = 1;
/** Redis registers one engine, named LUA (FUNCTION LIST's engine, FUNCTION STATS' engines). */
export const ENGINE_NAME = 'LUA';

export function libraryRecordKey(name: string): BinaryKey {
  return FUNCTION_RECORD_PREFIX + name;
}

/** The records for `put` libraries and the deletions for `deleted` names, as one batch. */
export function libraryRecordOps(put: readonly Library[], deleted: Iterable<string> = []): BatchOp[] {
  const ops: BatchOp[] = [];
  const putNames = new Set(put.map((lib) => lib.name));
  for (const name of deleted) if (!putNames.has(name)) ops.push({ kind: EntryKind.Delete, key: libraryRecordKey(name) });
  for (const lib of put) ops.push({ kind: EntryKind.Put, key: libraryRecordKey(lib.name), value: Buffer.concat([Buffer.from([RECORD_VERSION]), lib.code]) });
  return ops;
}

interface Registered {
  readonly fn: LibraryFunction;
  readonly library: Library;
}

export class LibrarySet {
  private readonly libraries = new Map<string, Library>();
  /** Lower-cased function name → function. */
  private readonly functions = new Map<string, Registered>();
  private codeBytes = 0;

  constructor(private readonly vm: FunctionsVm) {}

  get libraryCount(): number {
    return this.libraries.size;
  }

  get functionCount(): number {
    return this.functions.size;
  }

  /** Bytes of code, names and descriptions, roughly what Redis counts as used_memory_functions. */
  get bytes(): number {
    return this.codeBytes;
  }

  /** In load order. */
  all(): IterableIterator<Library> {
    return this.libraries.values();
  }

  library(name: string): Library | undefined {
    return this.libraries.get(name);
  }

  /** FCALL's lookup. */
  find(name: string): LibraryFunction | undefined {
    return this.functions.get(name.toLowerCase())?.fn;
  }

  /**
   * functionsCreateWithLibraryCtx: loads `code` as a library into this set (replacing a library
   * of the same name when `replace`); the library, or Redis' error text (without "ERR ").
   */
  create(code: Buffer, replace: boolean, timeoutMs: number, log: Pick<ScriptHost, 'log'>): Library | string {
    const header = parseLibraryHeader(code);
    if (typeof header === 'string') return header;
    if (header.engine.toLowerCase() !== 'lua') return `Engine '${header.engine}' not found`;
    const old = this.libraries.get(header.name);
    if (old !== undefined && !replace) return `Library '${header.name}' already exists`;
    const functions = this.vm.loadLibrary(header.body, timeoutMs, log);
    if (typeof functions === 'string') return functions;
    if (functions.length === 0) return 'No functions registered';
    for (const fn of functions) {
      const existing = this.functions.get(fn.name.toLowerCase());
      if (existing !== undefined && existing.library !== old) {
        this.vm.releaseFunctions(functions);
        return `Function ${fn.name} already exists`;
      }
    }
    if (old !== undefined) this.drop(old);
    const library: Library = { name: header.name, code: Buffer.from(code), functions };
    this.link(library);
    return library;
  }

  /** FUNCTION DELETE */
  delete(name: string): Library | undefined {
    const library = this.libraries.get(name);
    if (library !== undefined) this.drop(library);
    return library;
  }

  /** FUNCTION FLUSH; returns the names dropped. */
  clear(): string[] {
    const names = [...this.libraries.keys()];
    for (const library of [...this.libraries.values()]) this.drop(library);
    return names;
  }

  /**
   * libraryJoin: moves every library of `source` into this set (FUNCTION RESTORE APPEND /
   * REPLACE). Redis' error text, with nothing changed, on a library name taken (without
   * `replace`) or a function name taken by a library that stays.
   */
  join(source: LibrarySet, replace: boolean): string | null {
    const replaced = new Set<Library>();
    for (const library of source.all()) {
      const old = this.libraries.get(library.name);
      if (old === undefined) continue;
      if (!replace) return `Library ${library.name} already exists`;
      replaced.add(old);
    }
    for (const { fn } of source.functions.values()) {
      const existing = this.functions.get(fn.name.toLowerCase());
      if (existing !== undefined && !replaced.has(existing.library)) return `Function ${fn.name} already exists`;
    }
    for (const old of replaced) this.drop(old);
    for (const library of [...source.all()]) {
      source.unlink(library);
      this.link(library);
    }
    return null;
  }

  /** Takes every library of `source` in place of this set's own (FUNCTION RESTORE FLUSH). */
  replaceWith(source: LibrarySet): void {
    this.clear();
    this.join(source, false);
  }

  private link(library: Library): void {
    this.libraries.set(library.name, library);
    for (const fn of library.functions) {
      // Two names differing only in case within one library: the first keeps the name (Redis' dictAdd fails on the second).
      const key = fn.name.toLowerCase();
      if (!this.functions.has(key)) this.functions.set(key, { fn, library });
      this.codeBytes += fn.name.length + (fn.description?.length ?? 0);
    }
    this.codeBytes += library.name.length + library.code.length;
  }

  private unlink(library: Library): void {
    this.libraries.delete(library.name);
    for (const fn of library.functions) {
      const key = fn.name.toLowerCase();
      if (this.functions.get(key)?.library === library) this.functions.delete(key);
      this.codeBytes -= fn.name.length + (fn.description?.length ?? 0);
    }
    this.codeBytes -= library.name.length + library.code.length;
  }

  /** Unlinks and frees the library's callbacks in the VM. */
  private drop(library: Library): void {
    this.unlink(library);
    this.vm.releaseFunctions(library.functions);
  }
}

/**
 * Loads every library record into `set` (at start, before clients are served); throws naming
 * the library whose record does not load, as Redis refuses to start on an RDB whose functions
 * fail to load.
 */
export async function loadStoredLibraries(db: Db, set: LibrarySet, log: Pick<ScriptHost, 'log'>): Promise<number> {
  const end = FUNCTION_RECORD_PREFIX.slice(0, -1) + String.fromCharCode(FUNCTION_RECORD_PREFIX.charCodeAt(FUNCTION_RECORD_PREFIX.length - 1) + 1);
  const it = db.iterator({ start: FUNCTION_RECORD_PREFIX, end });
  let loaded = 0;
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      const name = entry.key.slice(FUNCTION_RECORD_PREFIX.length);
      if (entry.value.length === 0 || entry.value[0] !== RECORD_VERSION) throw new Error(`function library '${name}': unknown record version`);
      // No time limit, as Redis loading functions from an RDB.
      const library = set.create(entry.value.subarray(1), false, 0, log);
      if (typeof library === 'string') throw new Error(`function library '${name}' does not load: ${library}`);
      loaded++;
    }
  } finally {
    it.close();
  }
  return loaded;
}
