/**
 * ACL SETUSER rules, applied as Redis 7.0 applies them (acl.c's ACLSetUser and ACLSetSelector),
 * with its error texts.
 *
 * User rules: on, off, nopass, resetpass, >pass, <pass, #hash, !hash, sanitize-payload,
 * skip-sanitize-payload, reset, clearselectors, (selector rules ...). Everything else is a
 * selector rule for the root selector: allkeys, ~pattern, %R~ / %W~ / %RW~pattern, resetkeys,
 * allchannels, &pattern, resetchannels, allcommands, +@all, nocommands, -@all, +cmd, -cmd,
 * +cmd|sub, -cmd|sub, +cmd|firstarg, +@category, -@category.
 *
 * Rules are latin1 strings (one char per byte): a >password is hashed over its bytes.
 */
import { categoryBit, type AclCatalog, type AclCommand } from './catalog.js';
import {
  PERMISSION_ALL, PERMISSION_READ, PERMISSION_WRITE, Selector, hasSpaces, hashPassword, keyPattern, type AclUser,
} from './users.js';

/** Why a rule was refused: Redis' errno values in ACLSetUser, each with its text. */
export type RuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'EALREADY' | 'ECHILD';

/** Redis' ACLSetUserStringError. */
export function ruleErrorText(error: RuleError): string {
  switch (error) {
    case 'ENOENT': return 'Unknown command or category name in ACL';
    case 'EINVAL': return 'Syntax error';
    case 'EEXIST': return 'Adding a pattern after the * pattern (or the \'allkeys\' flag) is not valid and does not have any effect. Try \'resetkeys\' to start with an empty list of patterns';
    case 'EISDIR': return 'Adding a pattern after the * pattern (or the \'allchannels\' flag) is not valid and does not have any effect. Try \'resetchannels\' to start with an empty list of channels';
    case 'ENODEV': return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG': return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY': return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD': return 'Allowing first-arg of a subcommand is not supported';
  }
}

/** What rules need besides the user: the commands, and acl-pubsub-default (new selectors start with allchannels when it is). */
export interface RuleContext {
  readonly catalog: AclCatalog;
  readonly pubsubDefaultAll: boolean;
}

function is(op: string, word: string): boolean {
  return op.length === word.length && op.toLowerCase() === word;
}

// ------------------------------------------------------------------------------- commands

function setBit(selector: Selector, id: number, allow: boolean): void {
  selector.allowed[id] = allow ? 1 : 0;
  if (!allow) selector.allCommands = false;
}

/** Redis' ACLChangeSelectorPerm: the command, its first-args forgotten, and all its subcommands. */
function changePermission(selector: Selector, command: AclCommand, allow: boolean): void {
  setBit(selector, command.id, allow);
  selector.firstArgs?.delete(command.id);
  for (const sub of command.subcommands) setBit(selector, sub.id, allow);
}

/** Redis' ACLSetSelectorCommandBitsForCategory, walking commands then each one's subcommands. */
export function changeCategory(selector: Selector, catalog: AclCatalog, bit: number, allow: boolean): void {
  const walk = (commands: readonly AclCommand[]): void => {
    for (const c of commands) {
      if ((c.categories & bit) !== 0) changePermission(selector, c, allow);
      walk(c.subcommands);
    }
  };
  walk(catalog.commands);
}

function allowFirstArg(selector: Selector, id: number, arg: string): void {
  selector.firstArgs ??= new Map();
  const args = selector.firstArgs.get(id) ?? [];
  const lower = arg.toLowerCase();
  if (args.some((a) => a.toLowerCase() === lower)) return;
  args.push(arg);
  selector.firstArgs.set(id, args);
}

// ------------------------------------------------------------------------------- selector rules

/** Redis' ACLSetSelector; returns null when applied. */
export function applySelectorRule(selector: Selector, op: string, ctx: RuleContext): RuleError | null {
  const catalog = ctx.catalog;
  if (is(op, 'allkeys') || is(op, '~*')) {
    selector.allKeys = true;
    selector.patterns = [];
  } else if (is(op, 'resetkeys')) {
    selector.allKeys = false;
    selector.patterns = [];
  } else if (is(op, 'allchannels') || is(op, '&*')) {
    selector.allChannels = true;
    selector.channels = [];
  } else if (is(op, 'resetchannels')) {
    selector.allChannels = false;
    selector.channels = [];
  } else if (is(op, 'allcommands') || is(op, '+@all')) {
    selector.allowed.fill(1);
    selector.futureCommands = true;
    selector.allCommands = true;
    selector.firstArgs = null;
  } else if (is(op, 'nocommands') || is(op, '-@all')) {
    selector.allowed.fill(0);
    selector.futureCommands = false;
    selector.allCommands = false;
    selector.firstArgs = null;
  } else if (op[0] === '~' || op[0] === '%') {
    if (selector.allKeys) return 'EEXIST';
    let permissions = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = op[offset].toUpperCase();
        if (c === 'R' && (permissions & PERMISSION_READ) === 0) permissions |= PERMISSION_READ;
        else if (c === 'W' && (permissions & PERMISSION_WRITE) === 0) permissions |= PERMISSION_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
      if (permissions === 0) return 'EINVAL';
    } else {
      permissions = PERMISSION_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = selector.patterns.find((p) => p.pattern === pattern);
    if (existing === undefined) selector.patterns.push(keyPattern(pattern, permissions));
    else existing.permissions |= permissions;
    selector.allKeys = false;
  } else if (op[0] === '&') {
    if (selector.allChannels) return 'EISDIR';
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) return 'EINVAL';
    if (!selector.channels.includes(pattern)) selector.channels.push(pattern);
    selector.allChannels = false;
  } else if (op[0] === '+' && op[1] !== '@') {
    const bar = op.lastIndexOf('|');
    if (bar < 0) {
      const command = catalog.lookup(op.slice(1));
      if (command === undefined) return 'ENOENT';
      changePermission(selector, command, true);
    } else {
      const command = catalog.lookup(op.slice(1, bar));
      if (command === undefined) return 'ENOENT';
      if (command.parent !== null) return 'ECHILD';
      const sub = op.slice(bar + 1);
      if (sub.length === 0) return 'EINVAL';
      if (command.subcommands.length > 0) {
        const subcommand = catalog.lookup(op.slice(1));
        if (subcommand === undefined) return 'ENOENT';
        changePermission(selector, subcommand, true);
      } else {
        // `-select +select|0`: an otherwise denied command allowed with this first argument.
        allowFirstArg(selector, command.id, sub);
      }
    }
  } else if (op[0] === '-' && op[1] !== '@') {
    const command = catalog.lookup(op.slice(1));
    if (command === undefined) return 'ENOENT';
    changePermission(selector, command, false);
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    const bit = categoryBit(op.slice(2));
    if (bit === 0) return 'ENOENT';
    changeCategory(selector, catalog, bit, op[0] === '+');
  } else {
    return 'EINVAL';
  }
  return null;
}

// ------------------------------------------------------------------------------- user rules

function isPasswordHash(hash: string): boolean {
  return /^[0-9a-f]{64}$/.test(hash);
}

/**
 * Redis' sdssplitargs, which splits a selector's inside into rules: words separated by spaces,
 * "double quoted" with C escapes or 'single quoted'; null for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  // (A closed quote must end its word, so a word has at most one quoted part, at its end.)
  const n = line.length;
  const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0' || c === '\v' || c === '\f';
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let current = '';
    let inQuotes = false;
    let inSingle = false;
    for (;;) {
      if (inQuotes) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inQuotes = false;
          i++;
          break;
        } else current += c;
        i++;
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === '\'') {
          i++;
          current += '\'';
        } else if (c === '\'') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inSingle = false;
          i++;
          break;
        } else current += c;
        i++;
      } else {
        if (i >= n) break;
        const c = line[i];
        if (isSpace(c)) break;
        // As sdssplitargs: a quote opens a quoted part anywhere in a word (`~a"b"` is `~ab`).
        if (c === '"') inQuotes = true;
        else if (c === '\'') inSingle = true;
        else current += c;
        i++;
      }
    }
    out.push(current);
  }
}

/** Redis' aclCreateSelectorFromOpSet: a `(...)` rule's selector, or the first rule's error. */
function selectorFromOpSet(op: string, ctx: RuleContext): Selector | RuleError {
  const selector = new Selector(false, ctx.catalog.size);
  selector.allChannels = ctx.pubsubDefaultAll;
  // Unbalanced quotes leave an empty selector, as sdssplitargs' NULL gives Redis no rule to apply.
  for (const rule of splitArgs(op.slice(1, -1)) ?? []) {
    const error = applySelectorRule(selector, rule, ctx);
    if (error !== null) return error;
  }
  return selector;
}

/** Redis' ACLSetUser; returns null when applied. */
export function applyUserRule(user: AclUser, op: string, ctx: RuleContext): RuleError | null {
  if (op.length === 0) return null;
  if (is(op, 'on')) user.enabled = true;
  else if (is(op, 'off')) user.enabled = false;
  else if (is(op, 'skip-sanitize-payload')) user.sanitizePayload = 'skip';
  else if (is(op, 'sanitize-payload')) user.sanitizePayload = 'sanitize';
  else if (is(op, 'nopass')) {
    user.nopass = true;
    user.passwords = [];
  } else if (is(op, 'resetpass')) {
    user.nopass = false;
    user.passwords = [];
  } else if (op[0] === '>' || op[0] === '#') {
    let hash: string;
    if (op[0] === '>') hash = hashPassword(Buffer.from(op.slice(1), 'latin1'));
    else {
      hash = op.slice(1);
      if (!isPasswordHash(hash)) return 'EBADMSG';
    }
    if (!user.passwords.includes(hash)) user.passwords.push(hash);
    user.nopass = false;
  } else if (op[0] === '<' || op[0] === '!') {
    let hash: string;
    if (op[0] === '<') hash = hashPassword(Buffer.from(op.slice(1), 'latin1'));
    else {
      hash = op.slice(1);
      if (!isPasswordHash(hash)) return 'EBADMSG';
    }
    const at = user.passwords.indexOf(hash);
    if (at < 0) return 'ENODEV';
    user.passwords.splice(at, 1);
  } else if (op[0] === '(' && op[op.length - 1] === ')') {
    const selector = selectorFromOpSet(op, ctx);
    if (typeof selector === 'string') return selector;
    user.selectors.push(selector);
  } else if (is(op, 'clearselectors')) {
    user.selectors.length = 1;
  } else if (is(op, 'reset')) {
    applyUserRule(user, 'resetpass', ctx);
    applyUserRule(user, 'resetkeys', ctx);
    applyUserRule(user, 'resetchannels', ctx);
    if (ctx.pubsubDefaultAll) applyUserRule(user, 'allchannels', ctx);
    applyUserRule(user, 'off', ctx);
    applyUserRule(user, 'sanitize-payload', ctx);
    applyUserRule(user, 'clearselectors', ctx);
    applyUserRule(user, '-@all', ctx);
  } else {
    return applySelectorRule(user.root, op, ctx);
  }
  return null;
}

/**
 * Redis' ACLMergeSelectorArguments: a selector may be spread over several arguments, `(~a` `+get)`,
 * joined with spaces. Returns the merged rules, or the index of an unclosed selector's first argument.
 */
export function mergeSelectorArguments(args: readonly string[]): string[] | { readonly unclosedAt: number } {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  return open === -1 ? out : { unclosedAt: open };
}
