/**
 * COMMAND DOCS: summary, since, group, complexity from each CommandSpec, plus the argument tree
 * redis-cli 7 turns into its inline hints (`SET key value [NX|XX] [GET] ...`).
 *
 * Argument trees are written as usage lines in a small syntax (the one redis.io prints):
 *   `key value [NX | XX] [GET] [EX seconds:integer | PX milliseconds:integer | KEEPTTL]`
 *   - UPPERCASE word: a token; alone it is a pure-token argument, followed by one name it is that
 *     argument's token (`EX seconds`).
 *   - lowercase word: an argument; `:type` sets its type (integer, double, key, pattern,
 *     unix-time, string); names ending in "key" default to key, others to string.
 *   - `[...]` optional, `(... | ...)` or `[... | ...]` one of, `...` after an element: repeats,
 *     `@name` right after a group names it (Redis names one-ofs: `[NX | XX]@condition`).
 * Kept here as data, one line per command, so the keyspace families need not carry it.
 */
import type { ReplyWriter } from '../protocol/reply.js';
import type { CommandEntry } from './registry.js';

/** A COMMAND DOCS value: a map, an array, a set of flags, a string or an integer. */
export type DocValue = string | number | DocValue[] | { readonly [key: string]: DocValue } | DocFlags;

/** Written as a RESP set of simple strings. */
export class DocFlags {
  constructor(readonly flags: string[]) {}
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
  } else {
    const keys = Object.keys(v);
    r.mapHeader(keys.length);
    for (const k of keys) {
      r.bulk(k);
      writeDocValue(r, v[k]);
    }
  }
}

/** Usage lines, without the command name. Subcommands are keyed 'parent|sub'. */
const SYNTAX: Record<string, string> = {
  // connection
  ping: '[message]',
  echo: 'message',
  auth: '[username] password',
  hello: '[protover:integer [AUTH username password] [SETNAME clientname]]',
  quit: '',
  reset: '',
  select: 'index:integer',
  'client|id': '',
  'client|getname': '',
  'client|setname': 'connection-name',
  'client|setinfo': '(LIB-NAME libname | LIB-VER libver)',
  'client|list': '[TYPE (NORMAL | MASTER | REPLICA | PUBSUB)] [ID client-id:integer ...]',
  'client|info': '',
  'client|kill': '(ip-port | [ID client-id:integer] [TYPE (NORMAL | MASTER | SLAVE | REPLICA | PUBSUB)] [USER username] [ADDR ip-port] [LADDR ip-port] [SKIPME (YES | NO)])@filter',
  'client|no-evict': '(ON | OFF)@enabled',
  'client|no-touch': '(ON | OFF)@enabled',
  'client|pause': 'timeout:integer [WRITE | ALL]@mode',
  'client|unpause': '',
  'client|reply': '(ON | OFF | SKIP)@action',
  'client|help': '',
  // server
  info: '[section ...]',
  'config|get': 'parameter ...',
  'config|set': 'parameter value ...',
  'config|resetstat': '',
  'config|rewrite': '',
  'config|help': '',
  command: '',
  'command|count': '',
  'command|docs': '[command-name ...]',
  'command|getkeys': 'command arg ...',
  'command|info': '[command-name ...]',
  'command|list': '[FILTERBY (MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]',
  'command|help': '',
  time: '',
  lastsave: '',
  save: '',
  bgsave: '[SCHEDULE]',
  shutdown: '[NOSAVE | SAVE]@nosave-save [NOW] [FORCE] [ABORT]',
  'slowlog|get': '[count:integer]',
  'slowlog|len': '',
  'slowlog|reset': '',
  'slowlog|help': '',
  'latency|latest': '',
  'latency|history': 'event',
  'latency|reset': '[event ...]',
  'latency|histogram': '[command ...]',
  'latency|help': '',
  monitor: '',
  debug: 'subcommand [arg ...]',
  dbsize: '',
  flushdb: '[ASYNC | SYNC]@flush-type',
  flushall: '[ASYNC | SYNC]@flush-type',
  swapdb: 'index1:integer index2:integer',
  move: 'key db:integer',
  // transactions
  multi: '',
  exec: '',
  discard: '',
  watch: 'key ...',
  unwatch: '',
  // strings
  get: 'key',
  set: 'key value [NX | XX]@condition [GET] [EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | KEEPTTL]@expiration',
  setnx: 'key value',
  setex: 'key seconds:integer value',
  psetex: 'key milliseconds:integer value',
  getset: 'key value',
  getdel: 'key',
  getex: 'key [EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | PERSIST]@expiration',
  mget: 'key ...',
  mset: '(key value)@data ...',
  msetnx: '(key value)@data ...',
  append: 'key value',
  strlen: 'key',
  getrange: 'key start:integer end:integer',
  substr: 'key start:integer end:integer',
  setrange: 'key offset:integer value',
  incr: 'key',
  decr: 'key',
  incrby: 'key increment:integer',
  decrby: 'key decrement:integer',
  incrbyfloat: 'key increment:double',
  lcs: 'key1:key key2:key [LEN] [IDX] [MINMATCHLEN min-match-len:integer] [WITHMATCHLEN]',
  // bitmaps
  setbit: 'key offset:integer value:integer',
  getbit: 'key offset:integer',
  bitcount: 'key [start:integer end:integer [BYTE | BIT]@unit]@index',
  bitpos: 'key bit:integer [start:integer [end:integer [BYTE | BIT]@unit]@end-unit-block]@range',
  bitop: 'operation destkey key ...',
  bitfield: 'key [GET encoding offset:integer | [OVERFLOW (WRAP | SAT | FAIL)] (SET encoding offset:integer value:integer | INCRBY encoding offset:integer increment:integer) ...]',
  bitfield_ro: 'key [GET encoding offset:integer ...]',
  // keys
  del: 'key ...',
  unlink: 'key ...',
  exists: 'key ...',
  type: 'key',
  rename: 'key newkey',
  renamenx: 'key newkey',
  copy: 'source:key destination:key [DB destination-db:integer] [REPLACE]',
  keys: 'pattern:pattern',
  scan: 'cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]',
  randomkey: '',
  touch: 'key ...',
  object: 'subcommand [arg ...]',
  'object|encoding': 'key',
  'object|refcount': 'key',
  'object|idletime': 'key',
  'object|freq': 'key',
  'object|help': '',
  dump: 'key',
  restore: 'key ttl:integer serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds:integer] [FREQ frequency:integer]',
  // expiry
  expire: 'key seconds:integer [NX | XX | GT | LT]@condition',
  pexpire: 'key milliseconds:integer [NX | XX | GT | LT]@condition',
  expireat: 'key unix-time-seconds:unix-time [NX | XX | GT | LT]@condition',
  pexpireat: 'key unix-time-milliseconds:unix-time [NX | XX | GT | LT]@condition',
  ttl: 'key',
  pttl: 'key',
  expiretime: 'key',
  pexpiretime: 'key',
  persist: 'key',
};

interface Arg {
  name: string;
  type: string;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  arguments?: Arg[];
}

class SyntaxParser {
  private pos = 0;
  private readonly tokens: string[];
  private keyIndex = 0;

  constructor(text: string) {
    this.tokens = text.replace(/([[\]()|])/g, ' $1 ').split(/\s+/).filter((t) => t.length > 0);
    // '@name' after a closing bracket became its own token; keep it next to the group.
  }

  parse(): Arg[] {
    const seq = this.sequence();
    return seq;
  }

  /** Elements until a closing bracket or '|'. */
  private sequence(): Arg[] {
    const out: Arg[] = [];
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos];
      if (t === ']' || t === ')' || t === '|') break;
      const el = this.element();
      if (el) out.push(el);
    }
    return out;
  }

  private element(): Arg | null {
    const t = this.tokens[this.pos++];
    let arg: Arg;
    if (t === '[' || t === '(') {
      arg = this.group(t === '[' ? ']' : ')');
      if (t === '[') arg.optional = true;
      const label = this.tokens[this.pos];
      if (label !== undefined && label.startsWith('@')) {
        arg.name = label.slice(1);
        this.pos++;
      }
    } else if (/^[A-Z][A-Z0-9_-]*$/.test(t)) {
      const next = this.tokens[this.pos];
      if (next !== undefined && /^[a-z]/.test(next) && next !== '...') {
        this.pos++;
        arg = this.named(next);
        arg.token = t;
      } else {
        arg = { name: t.toLowerCase(), type: 'pure-token', token: t };
      }
    } else if (t === '...') {
      return null;
    } else {
      arg = this.named(t);
    }
    if (this.tokens[this.pos] === '...') {
      this.pos++;
      arg.multiple = true;
    }
    return arg;
  }

  private named(word: string): Arg {
    const [name, explicit] = word.split(':');
    const type = explicit ?? (name.endsWith('key') ? 'key' : 'string');
    return { name, type };
  }

  /** Contents up to `close`: one alternative becomes a block (or the element itself), several a oneof. */
  private group(close: string): Arg {
    const alternatives: Arg[][] = [this.sequence()];
    while (this.tokens[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    if (this.tokens[this.pos] === close) this.pos++;
    const asArg = (seq: Arg[]): Arg => (seq.length === 1 ? seq[0] : { name: seq.map((a) => a.name).join('-') || 'block', type: 'block', arguments: seq });
    if (alternatives.length === 1) {
      const only = alternatives[0];
      if (only.length === 1) return { ...only[0] };
      return asArg(only);
    }
    const options = alternatives.map(asArg);
    return { name: options[0]?.name ?? 'choice', type: 'oneof', arguments: options };
  }

  nextKeyIndex(): number {
    return this.keyIndex++;
  }
}

function argToDoc(arg: Arg, keys: { next: number }): DocValue {
  const doc: Record<string, DocValue> = { name: arg.name, type: arg.type };
  if (arg.type === 'key') doc.key_spec_index = keys.next++;
  if (arg.token !== undefined) doc.token = arg.token;
  const flags: string[] = [];
  if (arg.optional) flags.push('optional');
  if (arg.multiple) flags.push('multiple');
  if (flags.length > 0) doc.flags = new DocFlags(flags);
  if (arg.arguments) doc.arguments = arg.arguments.map((a) => argToDoc(a, keys));
  return doc;
}

/** The argument tree of a usage line (exported for tests). */
export function parseSyntax(text: string): Arg[] {
  return new SyntaxParser(text).parse();
}

/** The COMMAND DOCS value of one entry (a map). */
export function commandDocs(entry: CommandEntry): DocValue {
  const spec = entry.spec;
  const doc: Record<string, DocValue> = {
    summary: spec.summary,
    since: spec.since,
    group: spec.group,
  };
  if (spec.complexity !== undefined) doc.complexity = spec.complexity;
  const syntax = SYNTAX[entry.fullName];
  if (syntax !== undefined && syntax !== '') {
    const keys = { next: 0 };
    doc.arguments = parseSyntax(syntax).map((a) => argToDoc(a, keys));
  }
  if (entry.subcommands !== null) {
    const subs: Record<string, DocValue> = {};
    for (const s of entry.subcommands.entries()) subs[s.fullName] = commandDocs(s);
    doc.subcommands = subs;
  }
  return doc;
}
