/**
 * Users at rest, as Redis 7.0 keeps them: `user` lines in the config file (loaded at startup,
 * written back by CONFIG REWRITE) or an ACL file (`aclfile`: loaded at startup and by ACL LOAD,
 * written by ACL SAVE), never both. Both hold the lines ACL LIST prints.
 *
 * An ACL file loads all or nothing (Redis' ACLLoadFromFile): every line is checked, the errors
 * of all lines reported together, and the users change only when there was none.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Acl } from './acl.js';
import { describeUser } from './describe.js';
import { applyUserRule, mergeSelectorArguments, ruleErrorText } from './rules.js';
import { AclUser, hasSpaces } from './users.js';

/** Redis' refusal to start with both. */
export const USERS_AND_ACLFILE = 'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.';

/** The `user` lines of every user, as ACL LIST, ACL SAVE and CONFIG REWRITE write them. */
export function userLines(acl: Acl): string[] {
  return acl.all().map((u) => `user ${u.name} ${describeUser(u, acl.catalog)}`);
}

export interface ConfigUser {
  readonly name: string;
  readonly rules: readonly string[];
}

/**
 * Redis' ACLAppendUserForLoading: the check of a config file's `user` line made while the file
 * is read, which lets unknown commands and categories through (modules may add them) but not the
 * other mistakes. Returns Redis' error text (naming the argument at fault), or null.
 */
export function checkConfigUser(acl: Acl, line: ConfigUser, seen: ReadonlySet<string>): string | null {
  // Redis names the word at the index of the faulty rule counted in the whole line ('user', the
  // name, the rules), so past the name it names a word two before the rule at fault; kept as is.
  const words = ['user', line.name, ...line.rules];
  const named = (index: number): string => words[index] ?? '';
  if (seen.has(line.name)) return `Error in user declaration '${named(1)}': ${ruleErrorText('EALREADY')}`;
  const merged = mergeSelectorArguments(line.rules);
  if (!Array.isArray(merged)) return `Error in user declaration '${named(merged.unclosedAt)}': ${ruleErrorText('EINVAL')}`;
  const scratch = new AclUser(line.name, acl.catalog.size, acl.pubsubDefaultAll);
  for (let j = 0; j < merged.length; j++) {
    const error = applyUserRule(scratch, merged[j], acl);
    if (error !== null && error !== 'ENOENT') return `Error in user declaration '${named(j)}': ${ruleErrorText(error)}`;
  }
  return null;
}

/**
 * Redis' ACLLoadConfiguredUsers: each `user` line creates its user (the default user is reset
 * first). Returns the message Redis logs before it exits, or null.
 */
export function loadConfigUsers(acl: Acl, lines: readonly ConfigUser[]): string | null {
  for (const line of lines) {
    if (hasSpaces(line.name)) return 'Spaces not allowed in ACL usernames';
    const merged = mergeSelectorArguments(line.rules);
    const rules = Array.isArray(merged) ? merged : line.rules;
    const user = acl.get(line.name) ?? acl.addUser(line.name);
    if (user === acl.defaultUser) applyUserRule(user, 'reset', acl);
    for (const rule of rules) {
      const error = applyUserRule(user, rule, acl);
      if (error !== null) return `Error loading ACL rule '${rule}' for the user named '${line.name}': ${ruleErrorText(error)}`;
    }
    user.refresh();
  }
  return null;
}

/**
 * Redis' ACLLoadFromFile: the users of the file replace all users, or, on any error, nothing
 * changes and the errors are returned (one string, as Redis replies and logs it). On success the
 * users replaced are returned (their connections are to be closed; the default user is kept, with
 * the file's rules, or Redis' defaults when the file has none).
 */
export function loadAclFile(acl: Acl, filename: string): { error: string } | { replaced: AclUser[] } {
  let text: string;
  try {
    text = readFileSync(filename, 'latin1');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: `Error loading ACLs, opening file '${filename}': ${strerror(e)}` };
  }
  let errors = '';
  const users = new Map<string, AclUser>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') continue;
    const argv = line.split(' ').filter((w) => w !== '');
    if (argv.length === 0) continue;
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${filename}:${lineNumber} should start with user keyword followed by the username. `;
      continue;
    }
    if (hasSpaces(argv[1])) {
      errors += `'${filename}:${lineNumber}: username '${argv[1]}' contains invalid characters. `;
      continue;
    }
    if (users.has(argv[1])) {
      errors += `WARNING: Duplicate user '${argv[1]}' found on line ${lineNumber}. `;
      continue;
    }
    const user = new AclUser(argv[1], acl.catalog.size, acl.pubsubDefaultAll);
    users.set(argv[1], user);
    const merged = mergeSelectorArguments(argv.slice(2));
    if (!Array.isArray(merged)) {
      errors += `${filename}:${lineNumber}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    for (const rule of merged) {
      const error = applyUserRule(user, rule.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''), acl);
      if (error !== null) errors += `${filename}:${lineNumber}: ${ruleErrorText(error)}. `;
    }
    user.refresh();
  }
  if (errors !== '') return { error: errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed' };
  return { replaced: acl.replaceUsers(users) };
}

/** Redis' ACLSaveToFile: every user's line, to a temp file renamed over the ACL file. */
export function saveAclFile(acl: Acl, filename: string): void {
  const text = userLines(acl).map((l) => l + '\n').join('');
  const tmp = `${filename}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, text, { encoding: 'latin1', mode: 0o644 });
    renameSync(tmp, filename);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw err;
  }
}

/** The C library's text for an errno, as Redis prints it. */
function strerror(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    default: return e.message;
  }
}
