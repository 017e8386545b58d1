/**
 * What a function library is, and the checks Redis 7.0 makes on its code before the VM sees it
 * (functions.c: functionExtractLibMetaData, functionsVerifyName) and on what
 * redis.register_function is given (function_lua.c), with Redis' error texts.
 *
 * A library's code starts with a header line `#!<engine> name=<library>`; the rest is Lua that
 * calls redis.register_function once per function.
 */

/** The script flags a function may carry, in the order Redis lists them (scripts_flags_def). */
export const FUNCTION_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export type FunctionFlag = (typeof FUNCTION_FLAGS)[number];

/** One function of a library. */
export interface LibraryFunction {
  /** As registered (FCALL finds it ignoring case). */
  readonly name: string;
  readonly description: Buffer | null;
  readonly flags: ReadonlySet<FunctionFlag>;
  /** The callback, a registry ref in the functions VM. */
  readonly ref: number;
}

export interface Library {
  /** Case-sensitive, `[A-Za-z0-9_]+`. */
  readonly name: string;
  /** The whole code as loaded, header included (LIST WITHCODE, DUMP, the on-disk record). */
  readonly code: Buffer;
  /** In registration order. */
  readonly functions: readonly LibraryFunction[];
}

export interface LibraryHeader {
  readonly engine: string;
  readonly name: string;
  /** The Lua to run: from the header's newline on, so line numbers are the code's. */
  readonly body: Buffer;
}

/** functionsVerifyName: letters, digits and underscores, at least one. */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

export const INVALID_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** functionExtractLibMetaData (and the name check after it): the header, or Redis' error text. */
export function parseLibraryHeader(code: Buffer): LibraryHeader | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return 'Missing library metadata';
  // Redis looks for the newline with strchr: a NUL before it ends the search.
  let newline = -1;
  for (let i = 0; i < code.length && code[i] !== 0; i++) {
    if (code[i] === 0x0a) {
      newline = i;
      break;
    }
  }
  if (newline < 0) return 'Invalid library metadata';
  const parts = splitArgs(code.toString('latin1', 0, newline));
  if (parts === null || parts.length === 0) return 'Invalid library metadata';
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  if (!validName(name)) return INVALID_NAME;
  return { engine: parts[0].slice(2), name, body: code.subarray(newline) };
}

/**
 * sdssplitargs: words separated by white space, "double quoted" (with \n \r \t \b \a \\ \" and
 * \xHH escapes) or 'single quoted' (with \'); null for unbalanced quotes or a closing quote not
 * followed by a space. Works on latin1 strings (one char per byte).
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const isSpace = (c: string | undefined): boolean => c !== undefined && ' \n\r\t\v\f'.includes(c);
  let i = 0;
  for (;;) {
    while (isSpace(line[i])) i++;
    if (i >= line.length) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && line[i + 1] !== undefined) {
          const e = line[++i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          current += c;
        }
      } else if (c === undefined || isSpace(c)) {
        break;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      i++;
    }
    out.push(current);
  }
}
