/**
 * What the places that enforce ACLs share: the ACL log entry of a refusal (with the CLIENT LIST
 * line of the client it happened to: a script's caller, not the scripting client) and Redis 7.0's
 * NOPERM texts, which differ between a top-level command, EXEC and a script's redis.call.
 */
import { Verdict, checkCommand, type Denial } from '../acl/check.js';
import type { LogContext, LogReason } from '../acl/log.js';
import { clientInfoLine } from './client-info.js';
import type { Command, CommandContext } from './types.js';

/** Adds an ACL LOG entry for the client of `ctx`; `username`: the user named (a failed AUTH), else the client's. */
export function logAclEvent(ctx: CommandContext, reason: LogReason, object: string, username?: string, context?: LogContext): void {
  const { client, server } = ctx;
  const real = client.scriptCaller?.client ?? client;
  const where: LogContext = context ?? (client.scriptCaller ? 'lua' : client.multi !== null ? 'multi' : 'toplevel');
  server.acl.log.add({
    reason, context: where, object,
    username: username ?? real.user?.name ?? 'default',
    clientInfo: clientInfoLine(real, Date.now(), server.blocking.isBlocked(real)),
  }, server.config.acllogMaxLen);
}

const REASONS: Record<Denial['verdict'], LogReason> = {
  [Verdict.DeniedCommand]: 'command',
  [Verdict.DeniedKey]: 'key',
  [Verdict.DeniedChannel]: 'channel',
};

/** Where a command is checked: Redis words the refusal differently in each. */
export type CheckSite = 'toplevel' | 'exec' | 'script';

function noPermText(denial: Denial, entry: Command, site: CheckSite): string {
  if (site === 'script') {
    switch (denial.verdict) {
      case Verdict.DeniedCommand: return 'ERR The user executing the script can\'t run this command or subcommand';
      case Verdict.DeniedKey: return 'ERR The user executing the script can\'t access at least one of the keys mentioned in the command arguments';
      case Verdict.DeniedChannel: return 'ERR The user executing the script can\'t publish to the channel mentioned in the command';
    }
  }
  if (site === 'exec') {
    const reason = denial.verdict === Verdict.DeniedCommand ? 'no permission to execute the command or subcommand'
      : denial.verdict === Verdict.DeniedKey ? 'no permission to touch the specified keys'
        : 'no permission to access one of the channels used as arguments';
    return `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`;
  }
  switch (denial.verdict) {
    case Verdict.DeniedCommand: return `NOPERM this user has no permissions to run the '${entry.fullName}' command`;
    case Verdict.DeniedKey: return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    case Verdict.DeniedChannel: return 'NOPERM this user has no permissions to access one of the channels used as arguments';
  }
}

/**
 * Checks the command against the client's user (a script's commands against its caller's); on a
 * refusal logs it and returns the error text to reply with, else null. Unrestricted users (the
 * default user as shipped) cost one property read.
 */
export function aclRefusal(ctx: CommandContext, entry: Command, argv: readonly Buffer[], site: CheckSite): string | null {
  const client = ctx.client;
  const user = client.scriptCaller ? client.scriptCaller.client.user : client.user;
  if (user === null || user.unrestricted) return null;
  const command = ctx.server.acl.catalog.of(entry);
  if (command === undefined) return null;
  const denial = checkCommand(user, command, argv);
  if (denial === null) return null;
  // Redis sets the client's last command when it looks the command up: the log's client info names the refused one.
  if (site === 'toplevel') client.lastCommand = entry.fullName;
  const object = denial.verdict === Verdict.DeniedCommand ? entry.fullName : argv[denial.index].toString('latin1');
  logAclEvent(ctx, REASONS[denial.verdict], object, undefined, site === 'exec' ? 'multi' : undefined);
  return noPermText(denial, entry, site);
}
