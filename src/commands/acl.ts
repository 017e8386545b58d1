/**
 * ACL family: SETUSER GETUSER DELUSER LIST USERS WHOAMI CAT GENPASS LOG DRYRUN LOAD SAVE HELP, with
 * Redis 7.0's replies and error texts. The users and rules are src/acl/'s; this file answers the
 * commands and closes the connections a change takes away (a deleted user's, and subscribers
 * whose channels a SETUSER revoked, as Redis does).
 */
import { randomBytes } from 'node:crypto';
import { ACL_CATEGORIES } from '../command-table/schema.js';
import { Verdict, checkCommand, userMayUseChannel } from '../acl/check.js';
import { describeChannels, describeCommandRules, describeKeys, userFlags } from '../acl/describe.js';
import { categoryBit, type AclCommand } from '../acl/catalog.js';
import type { AclUser, Selector } from '../acl/users.js';
import { loadAclFile, saveAclFile, userLines } from '../acl/acl-file.js';
import { ERR_NOT_INTEGER, parseIntegerArg } from '../keyspace/numbers.js';
import { replyHelp } from './connection.js';
import type { ClientState, CommandContext, CommandHandlers } from './types.js';

const NO_ACL_FILE = 'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

const text = (b: Buffer): string => b.toString('latin1');

/** Redis' addReplySubcommandSyntaxError, for the forms its ACL command does not take. */
function subcommandSyntaxError(argv: readonly Buffer[]): string {
  return `ERR unknown subcommand or wrong number of arguments for '${text(argv[1]).slice(0, 128)}'. Try ${text(argv[0]).toUpperCase()} HELP.`;
}

/** Closes a client after the replies written so far; a blocked one stops waiting first. */
function disconnect(ctx: CommandContext, c: ClientState): void {
  ctx.server.blocking.cancel(c);
  c.closeAfterReply();
}

/**
 * Redis' ACLKillPubsubClientsIfNeeded: when a SETUSER takes channels away, the user's subscribed
 * clients listening to one no longer allowed are disconnected.
 */
function killRevokedSubscribers(ctx: CommandContext, user: AclUser, before: AclUser): void {
  if (user.selectors.some((s) => s.allChannels)) return;
  const upcoming = user.selectors.flatMap((s) => s.channels);
  const kept = before.selectors.every((s) => s.channels.every((c) => upcoming.includes(c)));
  if (kept) return;
  for (const c of ctx.server.clients.all()) {
    if (c.user !== user || !c.subscriptions.active) continue;
    const subs = c.subscriptions;
    const revoked = [...subs.patterns].some((p) => !userMayUseChannel(user, p, true)) ||
      [...subs.channels, ...subs.shardChannels].some((ch) => !userMayUseChannel(user, ch, false));
    if (revoked) disconnect(ctx, c);
  }
}

function setuser(ctx: CommandContext, argv: Buffer[]): void {
  const result = ctx.server.acl.setUser(text(argv[2]), argv.slice(3).map(text));
  if ('error' in result) {
    ctx.reply.error(result.error);
    return;
  }
  if (result.before !== null) killRevokedSubscribers(ctx, result.user, result.before);
  ctx.reply.ok();
}

function deluser(ctx: CommandContext, argv: Buffer[]): void {
  const { server, reply } = ctx;
  for (let i = 2; i < argv.length; i++) {
    if (text(argv[i]) === 'default') {
      reply.error('ERR The \'default\' user cannot be removed');
      return;
    }
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    const user = server.acl.deleteUser(text(argv[i]));
    if (user === undefined) continue;
    deleted++;
    closeConnectionsOf(ctx, user);
  }
  reply.integer(deleted);
}

/** Redis' ACLFreeUserAndKillClients: the user's connections go back to the default user, unauthenticated, and close. */
function closeConnectionsOf(ctx: CommandContext, user: AclUser): void {
  const server = ctx.server;
  for (const c of server.clients.all()) {
    if (c.user !== user) continue;
    c.user = server.acl.defaultUser;
    c.authenticated = false;
    disconnect(ctx, c);
  }
}

function load(ctx: CommandContext): void {
  const { server, reply } = ctx;
  if (server.config.aclfile === '') {
    reply.error(NO_ACL_FILE);
    return;
  }
  const loaded = loadAclFile(server.acl, server.config.aclfile);
  if ('error' in loaded) {
    reply.error(`ERR ${loaded.error}`);
    return;
  }
  for (const user of loaded.replaced) closeConnectionsOf(ctx, user);
  reply.ok();
}

function save(ctx: CommandContext): void {
  const { server, reply } = ctx;
  if (server.config.aclfile === '') {
    reply.error(NO_ACL_FILE);
    return;
  }
  try {
    saveAclFile(server.acl, server.config.aclfile);
    reply.ok();
  } catch (err) {
    server.logger.warning(`Writing ACL file for ACL SAVE: ${(err as Error).message}`);
    reply.error('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
  }
}

function replySelector(ctx: CommandContext, s: Selector): void {
  const reply = ctx.reply;
  reply.bulk('commands');
  reply.bulk(describeCommandRules(s, ctx.server.acl.catalog));
  reply.bulk('keys');
  reply.bulk(describeKeys(s));
  reply.bulk('channels');
  reply.bulk(describeChannels(s));
}

function getuser(ctx: CommandContext, argv: Buffer[]): void {
  const reply = ctx.reply;
  const user = ctx.server.acl.get(text(argv[2]));
  if (user === undefined) {
    reply.nullBulk();
    return;
  }
  reply.mapHeader(6);
  reply.bulk('flags');
  const flags = userFlags(user);
  reply.setHeader(flags.length);
  for (const f of flags) reply.bulk(f);
  reply.bulk('passwords');
  reply.bulkArray(user.passwords);
  replySelector(ctx, user.root);
  reply.bulk('selectors');
  reply.arrayHeader(user.selectors.length - 1);
  for (const s of user.selectors.slice(1)) {
    reply.mapHeader(3);
    replySelector(ctx, s);
  }
}

function list(ctx: CommandContext): void {
  ctx.reply.bulkArray(userLines(ctx.server.acl));
}

function users(ctx: CommandContext): void {
  ctx.reply.bulkArray(ctx.server.acl.all().map((u) => u.name));
}

function whoami(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.client.user?.name ?? 'default');
}

function cat(ctx: CommandContext, argv: Buffer[]): void {
  const reply = ctx.reply;
  if (argv.length === 2) {
    reply.bulkArray([...ACL_CATEGORIES]);
    return;
  }
  if (argv.length > 3) {
    reply.error(subcommandSyntaxError(argv));
    return;
  }
  const bit = categoryBit(text(argv[2]));
  if (bit === 0) {
    reply.error(`ERR Unknown category '${text(argv[2]).slice(0, 128)}'`);
    return;
  }
  const names: string[] = [];
  const walk = (commands: readonly AclCommand[]): void => {
    for (const c of commands) {
      if ((c.categories & bit) !== 0) names.push(c.fullName);
      walk(c.subcommands);
    }
  };
  walk(ctx.server.acl.catalog.commands);
  reply.bulkArray(names);
}

const GENPASS_MAX_BITS = 4096;

function genpass(ctx: CommandContext, argv: Buffer[]): void {
  const reply = ctx.reply;
  if (argv.length > 3) {
    reply.error(subcommandSyntaxError(argv));
    return;
  }
  let bits = 256;
  if (argv.length === 3) {
    const n = parseIntegerArg(argv[2]);
    if (n === undefined) {
      reply.error(ERR_NOT_INTEGER);
      return;
    }
    bits = Number(n);
  }
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    reply.error(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
    return;
  }
  const chars = Math.floor((bits + 3) / 4);
  reply.bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

function log(ctx: CommandContext, argv: Buffer[]): void {
  const { reply, server } = ctx;
  if (argv.length > 3) {
    reply.error(subcommandSyntaxError(argv));
    return;
  }
  let count = 10;
  if (argv.length === 3) {
    if (text(argv[2]).toLowerCase() === 'reset') {
      server.acl.log.reset();
      reply.ok();
      return;
    }
    const n = parseIntegerArg(argv[2]);
    if (n === undefined) {
      reply.error(ERR_NOT_INTEGER);
      return;
    }
    count = Math.max(0, Number(n));
  }
  const entries = server.acl.log.newest(count);
  const now = Date.now();
  reply.arrayHeader(entries.length);
  for (const e of entries) {
    reply.mapHeader(7);
    reply.bulk('count');
    reply.integer(e.count);
    reply.bulk('reason');
    reply.bulk(e.reason);
    reply.bulk('context');
    reply.bulk(e.context);
    reply.bulk('object');
    reply.bulk(e.object);
    reply.bulk('username');
    reply.bulk(e.username);
    reply.bulk('age-seconds');
    reply.double((now - e.time) / 1000);
    reply.bulk('client-info');
    reply.bulk(e.clientInfo);
  }
}

function dryrun(ctx: CommandContext, argv: Buffer[]): void {
  const { reply, server } = ctx;
  const user = server.acl.get(text(argv[2]));
  if (user === undefined) {
    reply.error(`ERR User '${text(argv[2])}' not found`);
    return;
  }
  const args = argv.slice(3);
  // Redis' lookupCommand: the command as the client would name it, a container's subcommand included.
  let entry = server.control.commands.lookup(args[0]);
  if (entry !== undefined && entry.subcommands !== null && args.length > 1) entry = entry.subcommands.lookup(args[1]);
  const command = entry === undefined ? undefined : server.acl.catalog.of(entry);
  if (entry === undefined || command === undefined) {
    reply.error(`ERR Command '${text(args[0])}' not found`);
    return;
  }
  if (!entry.arityOk(args.length)) {
    reply.error(`ERR wrong number of arguments for '${entry.fullName}' command`);
    return;
  }
  const denial = checkCommand(user, command, args);
  if (denial === null) reply.ok();
  else if (denial.verdict === Verdict.DeniedCommand) reply.bulk(`This user has no permissions to run the '${entry.fullName}' command`);
  else reply.bulk(`This user has no permissions to access the '${text(args[denial.index])}' ${denial.verdict === Verdict.DeniedKey ? 'key' : 'channel'}`);
}

const ACL_HELP = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  '    Get the user\'s details.',
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

/** Handlers by command name; the metadata is in ../command-table/acl.ts. */
export const aclHandlers: CommandHandlers = {
  'acl|setuser': setuser,
  'acl|deluser': deluser,
  'acl|getuser': getuser,
  'acl|list': list,
  'acl|users': users,
  'acl|whoami': whoami,
  'acl|cat': cat,
  'acl|genpass': genpass,
  'acl|log': log,
  'acl|dryrun': dryrun,
  'acl|load': load,
  'acl|save': save,
  'acl|help': (ctx) => replyHelp(ctx, ACL_HELP),
};
