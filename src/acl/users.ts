/**
 * ACL users and their selectors, as Redis 7.0 holds them (acl.c's user and aclSelector).
 *
 * A user has flags (on/off, nopass, sanitize-payload), SHA-256 password hashes and one or more
 * selectors: the root selector (the rules given outside parentheses) and any `(...)` selectors
 * added after it. A command is allowed when any one selector allows the command and all its keys
 * and channels.
 *
 * A selector: a command bitmap indexed by catalog id (plus the reserved "future commands" bit
 * that only +@all sets, which decides whether ACL LIST starts with +@all or -@all), allowed first
 * arguments of otherwise denied commands (`+select|0`), key patterns each with read and/or write
 * permission, channel patterns, and the allkeys / allchannels / allcommands flags.
 *
 * Names, patterns and channels are latin1 strings, one char per byte, so any bytes round-trip.
 */
import { createHash } from 'node:crypto';
import { globMatcher } from '../util/glob.js';

export const PERMISSION_READ = 1;
export const PERMISSION_WRITE = 2;
export const PERMISSION_ALL = PERMISSION_READ | PERMISSION_WRITE;

export interface KeyPattern {
  readonly pattern: string;
  /** PERMISSION_* bits. */
  permissions: number;
  /** The pattern compiled (globMatcher): checked on every command with keys. */
  readonly matches: (key: Buffer) => boolean;
}

export function keyPattern(pattern: string, permissions: number): KeyPattern {
  return { pattern, permissions, matches: globMatcher(pattern) };
}

export class Selector {
  allKeys = false;
  allChannels = false;
  /** Redis' SELECTOR_FLAG_ALLCOMMANDS: every command, checked without the bitmap (cleared by any -rule). */
  allCommands = false;
  /** The reserved bit +@all sets: the user may run commands that do not exist yet. */
  futureCommands = false;
  /** 1 where the command of that catalog id is allowed. */
  allowed: Uint8Array;
  /** First arguments allowed for a command (by id) whose bit is clear, as given (compared ignoring case). */
  firstArgs: Map<number, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(readonly root: boolean, commandCount: number) {
    this.allowed = new Uint8Array(commandCount);
  }

  copy(): Selector {
    const s = new Selector(this.root, this.allowed.length);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.futureCommands = this.futureCommands;
    s.allowed.set(this.allowed);
    if (this.firstArgs !== null) s.firstArgs = new Map([...this.firstArgs].map(([id, args]) => [id, args.slice()]));
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = this.channels.slice();
    return s;
  }
}

export class AclUser {
  enabled = false;
  nopass = false;
  /** skip-sanitize-payload / sanitize-payload: only shown, as no payload is sanitized here (see README). */
  sanitizePayload: 'skip' | 'sanitize' | null = null;
  /** Lower-case hex SHA-256 of each password, in the order added. */
  passwords: string[] = [];
  /** The root selector first. */
  selectors: Selector[];
  /**
   * Some selector allows every command, key and channel: the dispatcher skips the check (the
   * default user's case). Kept current by refresh() after every change.
   */
  unrestricted = false;
  /** Set when the user is deleted: its connections are closing, and nothing is allowed meanwhile. */
  deleted = false;

  constructor(readonly name: string, commandCount: number, pubsubDefaultAll: boolean) {
    const root = new Selector(true, commandCount);
    root.allChannels = pubsubDefaultAll;
    this.selectors = [root];
  }

  get root(): Selector {
    return this.selectors[0];
  }

  /** Takes `other`'s rules (Redis' ACLCopyUser): connections authenticated as this user see them at once. */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitizePayload = other.sanitizePayload;
    this.passwords = other.passwords.slice();
    this.selectors = other.selectors.map((s) => s.copy());
    this.refresh();
  }

  refresh(): void {
    this.unrestricted = this.selectors.some((s) => s.allCommands && s.allKeys && s.allChannels);
  }

  /** Redis' ACLCheckUserCredentials: enabled, and nopass or one password's hash matching. */
  accepts(password: Buffer): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const hashed = hashPassword(password);
    let match = false;
    // Every hash is compared, whichever matches: the time taken does not tell which did.
    for (const p of this.passwords) if (constantTimeEqual(p, hashed)) match = true;
    return match;
  }
}

export function hashPassword(password: Buffer): string {
  return createHash('sha256').update(password).digest('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Redis' ACLStringHasSpaces: whitespace (C isspace) or NUL, refused in user names and patterns. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  }
  return false;
}
