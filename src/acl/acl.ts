/**
 * The server's ACL: its users (the `default` user always among them), the command catalog rules
 * are resolved against, and the ACL log.
 *
 * The default user starts as Redis' does (on nopass ~* &* +@all) and mirrors `requirepass`:
 * setting it resets the user's passwords to that one, clearing it makes the user nopass again
 * (Redis' ACLUpdateDefaultUserPassword).
 *
 * Changing a user (ACL SETUSER) is all or nothing: the rules are applied to a copy, which replaces
 * the user's rules only when every rule applied. Connections hold the user object itself, so they
 * see a change at once. Closing the connections of a deleted user is the caller's part: this
 * module knows users, not connections.
 */
import type { CommandTable } from '../command-table/registry.js';
import { AclCatalog } from './catalog.js';
import { AclLog } from './log.js';
import { applyUserRule, mergeSelectorArguments, ruleErrorText, type RuleContext } from './rules.js';
import { AclUser, hasSpaces } from './users.js';

export class Acl implements RuleContext {
  readonly catalog: AclCatalog;
  readonly log = new AclLog();
  readonly defaultUser: AclUser;
  /** acl-pubsub-default: new users and selectors start with allchannels (Redis 7.0's default: resetchannels). */
  pubsubDefaultAll = false;
  private readonly users = new Map<string, AclUser>();

  constructor(table: CommandTable<unknown>) {
    this.catalog = new AclCatalog(table);
    this.defaultUser = this.makeDefaultUser();
    this.users.set('default', this.defaultUser);
  }

  /** Redis' ACLCreateDefaultUser: on nopass ~* &* +@all. */
  private makeDefaultUser(): AclUser {
    const user = this.newUser('default');
    for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) applyUserRule(user, rule, this);
    user.refresh();
    return user;
  }

  /** A new user with no rules (off, no password, no commands), for the loaders. */
  addUser(name: string): AclUser {
    const user = this.newUser(name);
    this.users.set(name, user);
    return user;
  }

  /**
   * ACL LOAD: `users` become the users. The default user object stays (connections hold it) and
   * takes the rules of the new one, or Redis' defaults. Returns the users replaced, now deleted.
   */
  replaceUsers(users: ReadonlyMap<string, AclUser>): AclUser[] {
    const replaced = [...this.users.values()].filter((u) => u !== this.defaultUser);
    for (const u of replaced) {
      u.deleted = true;
      u.unrestricted = false;
    }
    this.defaultUser.copyFrom(users.get('default') ?? this.makeDefaultUser());
    this.users.clear();
    for (const [name, user] of users) this.users.set(name, name === 'default' ? this.defaultUser : user);
    this.users.set('default', this.defaultUser);
    return replaced;
  }

  private newUser(name: string): AclUser {
    return new AclUser(name, this.catalog.size, this.pubsubDefaultAll);
  }

  get(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Users in Redis' order (its radix tree's: by name, byte by byte). */
  all(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Whether a connection that has not authenticated must (Redis' authRequired, for the default user). */
  get authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  /**
   * ACL SETUSER: creates the user or changes it, all rules or none. Returns Redis' error text, or
   * null when done. `before` is the user's previous state (null for a new user), for the caller
   * to find connections whose channels were taken away.
   */
  setUser(name: string, rules: readonly string[]): { error: string } | { user: AclUser; before: AclUser | null } {
    if (hasSpaces(name)) return { error: 'ERR Usernames can\'t contain spaces or null characters' };
    const merged = mergeSelectorArguments(rules);
    if (!Array.isArray(merged)) {
      return { error: `ERR Unmatched parenthesis in acl selector starting at '${upToNul(rules[merged.unclosedAt])}'.` };
    }
    const existing = this.users.get(name);
    const staged = this.newUser(name);
    if (existing !== undefined) staged.copyFrom(existing);
    for (const rule of merged) {
      const error = applyUserRule(staged, rule, this);
      if (error !== null) return { error: `ERR Error in ACL SETUSER modifier '${upToNul(rule)}': ${ruleErrorText(error)}` };
    }
    let before: AclUser | null = null;
    if (existing !== undefined) {
      before = this.newUser(name);
      before.copyFrom(existing);
    }
    const user = existing ?? this.newUser(name);
    user.copyFrom(staged);
    this.users.set(name, user);
    return { user, before };
  }

  /** ACL DELUSER of one user (never `default`): the user, now marked deleted, or undefined. */
  deleteUser(name: string): AclUser | undefined {
    const user = this.users.get(name);
    if (user === undefined || user === this.defaultUser) return undefined;
    this.users.delete(name);
    user.deleted = true;
    user.unrestricted = false;
    return user;
  }

  /** requirepass changed: the default user's password follows. */
  setDefaultPassword(requirepass: string): void {
    applyUserRule(this.defaultUser, 'resetpass', this);
    applyUserRule(this.defaultUser, requirepass === '' ? 'nopass' : '>' + Buffer.from(requirepass, 'utf8').toString('latin1'), this);
    this.defaultUser.refresh();
  }

  /** The user a name and password authenticate, or null (Redis' ACLCheckUserCredentials). */
  authenticate(name: string, password: Buffer): AclUser | null {
    const user = this.users.get(name);
    return user !== undefined && user.accepts(password) ? user : null;
  }
}

/** A rule as Redis' `%s` quotes it in an error: up to its first NUL. */
function upToNul(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}
