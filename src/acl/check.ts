/**
 * May this user run this command with these arguments? Redis 7.0's ACLCheckAllUserCommandPerm and
 * ACLSelectorCheckCmd: a selector allows a command when its bit is set (or its first argument is
 * an allowed one), every key matches one of its patterns granting the access the key spec declares
 * (read for `access`, write for `insert`/`update`/`delete`), and every channel one of its channel
 * patterns. One allowing selector is enough; otherwise the most relevant refusal is reported: a
 * key or channel before the command, the later argument before the earlier.
 *
 * The common case costs a bit test and, for a command with keys, a glob match per key and
 * pattern: keys are found into a reused KeyRefs, nothing is allocated.
 */
import { FLAG_NOAUTH, KeyRefs, KEY_NEEDS_READ, KEY_NEEDS_WRITE } from '../command-table/registry.js';
import { globMatch } from '../util/glob.js';
import { ChannelArgs, type AclCommand } from './catalog.js';
import { PERMISSION_READ, PERMISSION_WRITE, type AclUser, type Selector } from './users.js';

export const enum Verdict {
  Ok = 0,
  DeniedCommand = 1,
  DeniedKey = 2,
  DeniedChannel = 3,
}

/** A refusal: why, and for a key or channel the index in argv of the one refused. */
export interface Denial {
  readonly verdict: Verdict.DeniedCommand | Verdict.DeniedKey | Verdict.DeniedChannel;
  readonly index: number;
}

const keys = new KeyRefs();
let keysFound = false;
/** Set by the selector check when it refuses a key or channel. */
let deniedIndex = 0;

function keyAllowed(selector: Selector, key: Buffer, needs: number): boolean {
  let required = 0;
  if ((needs & KEY_NEEDS_READ) !== 0) required |= PERMISSION_READ;
  if ((needs & KEY_NEEDS_WRITE) !== 0) required |= PERMISSION_WRITE;
  const patterns = selector.patterns;
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i];
    if ((p.permissions & required) === required && p.matches(key)) return true;
  }
  return false;
}

function channelAllowed(selector: Selector, channel: Buffer, literal: boolean): boolean {
  for (const pattern of selector.channels) {
    if (literal ? pattern === channel.toString('latin1') : globMatch(pattern, channel)) return true;
  }
  return false;
}

function commandAllowed(selector: Selector, command: AclCommand, argv: readonly Buffer[]): boolean {
  if (selector.allCommands || (command.entry.flagBits & FLAG_NOAUTH) !== 0 || selector.allowed[command.id] === 1) return true;
  const firstArgs = selector.firstArgs?.get(command.id);
  if (firstArgs === undefined || argv.length < 2) return false;
  const arg = argv[command.parent !== null ? 2 : 1];
  if (arg === undefined) return false;
  const text = arg.toString('latin1').toLowerCase();
  return firstArgs.some((a) => a.toLowerCase() === text);
}

function checkSelector(selector: Selector, command: AclCommand, argv: readonly Buffer[]): Verdict {
  if (!commandAllowed(selector, command, argv)) return Verdict.DeniedCommand;
  if (!selector.allKeys && command.entry.hasKeys) {
    if (!keysFound) {
      command.entry.collectKeys(argv, keys);
      keysFound = true;
    }
    for (let j = 0; j < keys.count; j++) {
      const i = keys.positions[j];
      if (!keyAllowed(selector, argv[i], keys.needs[j])) {
        deniedIndex = i;
        return Verdict.DeniedKey;
      }
    }
  }
  if (!selector.allChannels && command.channels !== ChannelArgs.None) {
    const last = command.channels === ChannelArgs.First ? Math.min(1, argv.length - 1) : argv.length - 1;
    const literal = command.channels === ChannelArgs.AllLiteral;
    for (let i = 1; i <= last; i++) {
      if (!channelAllowed(selector, argv[i], literal)) {
        deniedIndex = i;
        return Verdict.DeniedChannel;
      }
    }
  }
  return Verdict.Ok;
}

/** Null when `user` may run the command, else why not (Redis' ACLCheckAllUserCommandPerm). */
export function checkCommand(user: AclUser, command: AclCommand, argv: readonly Buffer[]): Denial | null {
  if (user.deleted) return { verdict: Verdict.DeniedCommand, index: 0 };
  keysFound = false;
  let relevant = Verdict.DeniedCommand;
  let lastIndex = 0;
  const selectors = user.selectors;
  for (let s = 0; s < selectors.length; s++) {
    deniedIndex = 0;
    const verdict = checkSelector(selectors[s], command, argv);
    if (verdict === Verdict.Ok) return null;
    if (verdict > relevant || (verdict === relevant && deniedIndex > lastIndex)) {
      relevant = verdict;
      lastIndex = deniedIndex;
    }
  }
  return { verdict: relevant as Denial['verdict'], index: lastIndex };
}

/** Redis' ACLUserCheckChannelPerm: may the user hear `channel` (literal: a pattern equal to one of the user's)? */
export function userMayUseChannel(user: AclUser, channel: string, literal: boolean): boolean {
  for (const s of user.selectors) {
    if (s.allChannels) return true;
    for (const pattern of s.channels) if (literal ? pattern === channel : globMatch(pattern, channel)) return true;
  }
  return false;
}
