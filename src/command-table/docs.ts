/**
 * COMMAND DOCS: the reply value of one command, built once from its table entry, and the usage
 * lines the table writes arguments in.
 *
 * A usage line is the argument syntax redis.io prints, plus a few marks so that the argument tree
 * comes out exactly as Redis 7.0's (redis-cli 7 turns that tree into its inline hints):
 *
 *   key value [NX | XX]@condition^2.6.12 [GET]^6.2.0 [EX seconds:integer | KEEPTTL^6.0.0]@expiration
 *
 * - `name` an argument; `name:type` with a type of string, integer, double, key, pattern,
 *   unix-time (default: key when the name ends in "key", else string). A name may hold ':' or '/'
 *   ('ip:port:string' is "ip:port", a string).
 * - `TOKEN` (upper case) alone is a pure token named after it in lower case; followed by an
 *   argument or a group, it is that element's token (`EX seconds`, `LIMIT (offset count)`).
 *   A token that is not a word is quoted: `'~'@approximately` (XADD's `=`, `~` and `*`).
 * - `[...]` optional; `(...)` required. Inside, `a | b` is a oneof; several elements make a block.
 *   `[x]` with a single element is that element, optional; `(...)` always makes a block or oneof.
 * - Marks after an element, glued to it or standing alone: `...` repeats (multiple), `@name`
 *   names it (groups are otherwise named after their first option, or their parts joined by
 *   '-'), `^7.0.0` since, `~2.8.12` deprecated since, `#0` its key_spec_index (default: key
 *   arguments count up from 0), `!multiple_token` the token repeats with each repetition.
 *
 * Lines are parsed when the command table is built, so a malformed one stops the server at start.
 */
import type { ReplyWriter } from '../protocol/reply.js';
import type { CommandDef } from './schema.js';

/** A COMMAND DOCS value: a map, an array, a set, a set of flags, a string or an integer. */
export type DocValue = string | number | DocValue[] | { readonly [key: string]: DocValue } | DocFlags | DocSet;

/** Written as a RESP set of simple strings (flags). */
export class DocFlags {
  constructor(readonly flags: readonly string[]) {}
}

/** Written as a RESP set of values (Redis 7.0 sends a command's history as a set of pairs). */
export class DocSet {
  constructor(readonly items: readonly DocValue[]) {}
}

export function writeDocValue(r: ReplyWriter, v: DocValue): void {
  if (typeof v === 'string') r.bulk(v);
  else if (typeof v === 'number') r.integer(v);
  else if (Array.isArray(v)) {
    r.arrayHeader(v.length);
    for (const x of v) writeDocValue(r, x);
  } else if (v instanceof DocFlags) {
    r.setHeader(v.flags.length);
    for (const f of v.flags) r.simple(f);
  } else if (v instanceof DocSet) {
    r.setHeader(v.items.length);
    for (const x of v.items) writeDocValue(r, x);
  } else {
    const keys = Object.keys(v);
    r.mapHeader(keys.length);
    for (const k of keys) {
      r.bulk(k);
      writeDocValue(r, v[k]);
    }
  }
}

export type ArgType = 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
/** The types a `name:type` may give (the others come from the syntax). */
const NAMED_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'double', 'key', 'pattern', 'unix-time']);

/** One argument of a COMMAND DOCS tree. */
export interface Arg {
  name: string;
  type: ArgType;
  token?: string;
  since?: string;
  deprecatedSince?: string;
  /** Set on key arguments once the whole line is parsed. */
  keySpecIndex?: number;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  arguments?: Arg[];
}

const TOKEN_WORD = /^[A-Z][A-Z0-9_-]*$/;
/** A quoted token: any characters but a quote and spaces, or none (MIGRATE's empty-string token). */
const QUOTED_TOKEN = /^'([^' ]*)'$/;
/** A mark: one of @ ^ ~ # ! and its text, up to the next mark. */
const MARK = /([@^~#!])([^@^~#!]*)/g;

class SyntaxParser {
  private pos = 0;
  private readonly tokens: string[];

  constructor(private readonly text: string) {
    this.tokens = text.replace(/([[\]()|])/g, ' $1 ').split(/\s+/).filter((t) => t.length > 0);
  }

  parse(): Arg[] {
    const args = this.sequence();
    if (this.pos < this.tokens.length) this.fail(`unexpected '${this.tokens[this.pos]}'`);
    numberKeys(args, { last: -1 });
    return args;
  }

  private fail(problem: string): never {
    throw new SyntaxError(`usage line "${this.text}": ${problem}`);
  }

  /** Elements until a closing bracket or '|'. */
  private sequence(): Arg[] {
    const out: Arg[] = [];
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos];
      if (t === ']' || t === ')' || t === '|') break;
      out.push(this.element());
    }
    return out;
  }

  private element(): Arg {
    const t = this.tokens[this.pos++];
    let arg: Arg;
    if (t === '[' || t === '(') {
      arg = this.group(t);
    } else {
      const word = splitWord(t);
      if (word.base === '') this.fail(`'${t}' follows nothing`);
      const quoted = QUOTED_TOKEN.exec(word.base);
      if (quoted !== null) {
        arg = { name: quoted[1], type: 'pure-token', token: quoted[1] };
        this.applyMarks(arg, word.marks, word.multiple);
      } else if (TOKEN_WORD.test(word.base)) {
        const next = this.tokens[this.pos];
        const bare = word.marks === '' && !word.multiple;
        if (bare && (next === '(' || next === '[')) {
          this.pos++;
          arg = this.group(next);
          arg.token = word.base;
        } else if (bare && next !== undefined && /^[a-z]/.test(next)) {
          this.pos++;
          const named = splitWord(next);
          arg = this.named(named.base);
          arg.token = word.base;
          this.applyMarks(arg, named.marks, named.multiple);
        } else {
          arg = { name: word.base.toLowerCase(), type: 'pure-token', token: word.base };
          this.applyMarks(arg, word.marks, word.multiple);
        }
      } else {
        arg = this.named(word.base);
        this.applyMarks(arg, word.marks, word.multiple);
      }
    }
    // Marks standing alone after the element (after a group's bracket, or spaced like ' ...').
    while (this.pos < this.tokens.length && /^(\.\.\.|[@^~#!])/.test(this.tokens[this.pos])) {
      const word = splitWord(this.tokens[this.pos++]);
      if (word.base !== '') this.fail(`'${word.base}' is not a mark`);
      this.applyMarks(arg, word.marks, word.multiple);
    }
    return arg;
  }

  private applyMarks(arg: Arg, marks: string, multiple: boolean): void {
    if (multiple) arg.multiple = true;
    for (const [, mark, value] of marks.matchAll(MARK)) {
      if (mark === '@') arg.name = value;
      else if (mark === '^') arg.since = value;
      else if (mark === '~') arg.deprecatedSince = value;
      else if (mark === '#' && /^\d+$/.test(value)) arg.keySpecIndex = Number(value);
      else if (mark === '!' && value === 'multiple_token') arg.multipleToken = true;
      else this.fail(`bad mark '${mark}${value}'`);
    }
  }

  private named(word: string): Arg {
    const colon = word.lastIndexOf(':');
    const explicit = colon > 0 ? word.slice(colon + 1) : '';
    if (NAMED_TYPES.has(explicit)) return { name: word.slice(0, colon), type: explicit as ArgType };
    return { name: word, type: word.endsWith('key') ? 'key' : 'string' };
  }

  /** A bracketed group, its opening bracket consumed. */
  private group(open: string): Arg {
    const close = open === '[' ? ']' : ')';
    const alternatives: Arg[][] = [this.sequence()];
    while (this.tokens[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    if (this.tokens[this.pos] !== close) this.fail(`'${open}' without '${close}'`);
    this.pos++;
    if (alternatives.some((seq) => seq.length === 0)) this.fail(`empty group or option`);
    let arg: Arg;
    if (alternatives.length > 1) {
      const options = alternatives.map(asArg);
      arg = { name: options[0].name, type: 'oneof', arguments: options };
    } else if (open === '[' && alternatives[0].length === 1) {
      arg = alternatives[0][0];
    } else {
      arg = block(alternatives[0]);
    }
    if (open === '[') arg.optional = true;
    return arg;
  }
}

/** An option of a oneof: the element itself, or a block of several. */
function asArg(seq: Arg[]): Arg {
  return seq.length === 1 ? seq[0] : block(seq);
}

function block(seq: Arg[]): Arg {
  return { name: seq.map((a) => a.name).join('-'), type: 'block', arguments: seq };
}

/** A word's base (token or name[:type]), its marks, and whether it ends in '...'. */
function splitWord(word: string): { base: string; marks: string; multiple: boolean } {
  const multiple = word.endsWith('...');
  const rest = multiple ? word.slice(0, -3) : word;
  // A quoted token's characters are not marks.
  const quoteEnd = rest.startsWith("'") ? rest.indexOf("'", 1) + 1 : 0;
  const found = rest.slice(quoteEnd).search(/[@^~#!]/);
  const at = found < 0 ? -1 : found + quoteEnd;
  return at < 0 ? { base: rest, marks: '', multiple } : { base: rest.slice(0, at), marks: rest.slice(at), multiple };
}

/** Key arguments without a `#n` take the index after the previous key argument's. */
function numberKeys(args: readonly Arg[], state: { last: number }): void {
  for (const a of args) {
    if (a.type === 'key') {
      a.keySpecIndex ??= state.last + 1;
      state.last = a.keySpecIndex;
    }
    if (a.arguments) numberKeys(a.arguments, state);
  }
}

/** The argument tree of a usage line; throws a SyntaxError naming the line when it is malformed. */
export function parseSyntax(text: string): Arg[] {
  return new SyntaxParser(text).parse();
}

/** The highest key_spec_index in a tree, -1 when it has no key argument. */
export function maxKeySpecIndex(args: readonly Arg[]): number {
  let max = -1;
  for (const a of args) {
    if (a.keySpecIndex !== undefined) max = Math.max(max, a.keySpecIndex);
    if (a.arguments) max = Math.max(max, maxKeySpecIndex(a.arguments));
  }
  return max;
}

/** One argument as COMMAND DOCS sends it: fields in Redis' order, present only when set. */
function argDoc(arg: Arg): DocValue {
  const doc: Record<string, DocValue> = { name: arg.name, type: arg.type };
  if (arg.keySpecIndex !== undefined) doc.key_spec_index = arg.keySpecIndex;
  if (arg.token !== undefined) doc.token = arg.token;
  if (arg.since !== undefined) doc.since = arg.since;
  if (arg.deprecatedSince !== undefined) doc.deprecated_since = arg.deprecatedSince;
  const flags: string[] = [];
  if (arg.optional) flags.push('optional');
  if (arg.multiple) flags.push('multiple');
  if (arg.multipleToken) flags.push('multiple_token');
  if (flags.length > 0) doc.flags = new DocFlags(flags);
  if (arg.arguments) doc.arguments = arg.arguments.map(argDoc);
  return doc;
}

/** What COMMAND DOCS needs of a command besides its arguments (table entries and code-defined commands alike). */
export type DocFields = Pick<CommandDef, 'summary' | 'since' | 'complexity' | 'history' | 'docFlags' | 'deprecatedSince' | 'replacedBy'> & { readonly group: string };

/**
 * The COMMAND DOCS map of one command, fields in Redis' order. `subcommands` maps each
 * subcommand's full name to its own map.
 */
export function commandDocs(def: DocFields, args: readonly Arg[], subcommands: ReadonlyArray<readonly [string, DocValue]>): DocValue {
  const doc: Record<string, DocValue> = { summary: def.summary, since: def.since, group: def.group };
  if (def.complexity !== undefined) doc.complexity = def.complexity;
  if (def.docFlags !== undefined && def.docFlags.length > 0) doc.doc_flags = new DocFlags(def.docFlags);
  if (def.deprecatedSince !== undefined) doc.deprecated_since = def.deprecatedSince;
  if (def.replacedBy !== undefined) doc.replaced_by = def.replacedBy;
  if (def.history !== undefined && def.history.length > 0) doc.history = new DocSet(def.history.map(([version, change]) => [version, change]));
  if (args.length > 0) doc.arguments = args.map(argDoc);
  if (subcommands.length > 0) doc.subcommands = Object.fromEntries(subcommands);
  return doc;
}
