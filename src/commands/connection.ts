/**
 * Connection family: PING ECHO HELLO AUTH QUIT RESET and CLIENT *. SELECT lives with the
 * databases family. Replies and error texts are Redis 7.0's.
 */
import { clientTrackingHandlers } from './client-tracking.js';
import type { ClientState, CommandContext, CommandHandlers } from './types.js';
import { clientInfoLine } from './client-info.js';
import { logAclEvent } from './acl-support.js';
import { ERR_NOT_INTEGER, cString, parseInt64, parseIntegerArg } from '../keyspace/numbers.js';

/** The version we report to clients that feature-detect (HELLO, INFO): the Redis we are compatible with. */
export const REDIS_COMPAT_VERSION = '7.0.15';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const DEFAULT_USER = Buffer.from('default');

function eqIgnoreCase(buf: Buffer, lower: string): boolean {
  if (buf.length !== lower.length) return false;
  for (let i = 0; i < buf.length; i++) {
    let c = buf[i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Redis' rule for client and library names: printable ASCII, no spaces. */
function validName(value: Buffer): boolean {
  for (let i = 0; i < value.length; i++) if (value[i] < 0x21 || value[i] > 0x7e) return false;
  return true;
}

/** Redis' string2ll over a whole argument, or null. */
export function parseInteger(arg: Buffer): number | null {
  const value = parseInt64(arg);
  return value === undefined ? null : Number(value);
}

/**
 * AUTH and HELLO AUTH (Redis' ACLAuthenticateUser): the client becomes the user when the name
 * and password match an enabled user (compared as SHA-256 digests, in constant time); a failure
 * goes to the ACL log under the name tried, never the password.
 */
function authenticate(ctx: CommandContext, name: Buffer, password: Buffer, argv0: Buffer): boolean {
  const { client, server } = ctx;
  const user = server.acl.authenticate(name.toString('latin1'), password);
  if (user === null) {
    logAclEvent(ctx, 'auth', argv0.toString('latin1'), name.toString('latin1'));
    return false;
  }
  client.authenticated = true;
  client.user = user;
  return true;
}

function ping(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 2) {
    ctx.reply.error(`ERR wrong number of arguments for 'ping' command`);
    return;
  }
  if (ctx.client.resp === 2 && ctx.client.subscriptions.active) {
    // A subscribed RESP2 client reads arrays only: Redis answers with one shaped like a message.
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk('pong');
    ctx.reply.bulk(argv.length === 2 ? argv[1] : '');
    return;
  }
  if (argv.length === 2) ctx.reply.bulk(argv[1]);
  else ctx.reply.simple('PONG');
}

function echo(ctx: CommandContext, argv: Buffer[]): void {
  ctx.reply.bulk(argv[1]);
}

function auth(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 3) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  if (argv.length === 2 && ctx.server.acl.defaultUser.nopass) {
    ctx.reply.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    return;
  }
  const user = argv.length === 3 ? argv[1] : DEFAULT_USER;
  const password = argv[argv.length - 1];
  if (authenticate(ctx, user, password, argv[0])) ctx.reply.ok();
  else ctx.reply.error(WRONGPASS);
}

function hello(ctx: CommandContext, argv: Buffer[]): void {
  const { client, reply } = ctx;
  let proto = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInteger(argv[1]);
    if (v === null) {
      reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      reply.error('NOPROTO unsupported protocol version');
      return;
    }
    proto = v;
    next = 2;
  }
  let authUser: Buffer | null = null;
  let authPass: Buffer | null = null;
  let setName: Buffer | null = null;
  for (let i = next; i < argv.length; i++) {
    const more = argv.length - i - 1;
    if (eqIgnoreCase(argv[i], 'auth') && more >= 2) {
      authUser = argv[i + 1];
      authPass = argv[i + 2];
      i += 2;
    } else if (eqIgnoreCase(argv[i], 'setname') && more >= 1) {
      setName = argv[i + 1];
      i += 1;
    } else {
      reply.error(`ERR Syntax error in HELLO option '${cString(argv[i])}'`);
      return;
    }
  }
  if (authUser !== null && authPass !== null) {
    if (!authenticate(ctx, authUser, authPass, argv[0])) {
      reply.error(WRONGPASS);
      return;
    }
  }
  if (!client.authenticated) {
    reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (setName !== null) {
    if (!validName(setName)) {
      reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
      return;
    }
    client.name = setName.toString('latin1');
  }
  if (proto !== 0) client.resp = proto as 2 | 3;
  reply.mapHeader(7);
  reply.bulk('server');
  reply.bulk('redis');
  reply.bulk('version');
  reply.bulk(REDIS_COMPAT_VERSION);
  reply.bulk('proto');
  reply.integer(client.resp);
  reply.bulk('id');
  reply.integer(client.id);
  reply.bulk('mode');
  reply.bulk('standalone');
  reply.bulk('role');
  reply.bulk('master');
  reply.bulk('modules');
  reply.arrayHeader(0);
}

function quit(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.client.closeAfterReply();
}

function reset(ctx: CommandContext): void {
  const { client, server } = ctx;
  client.multi = null;
  client.multiFailed = false;
  if (client.watchedKeys > 0) server.keyspace.unwatchAll(client);
  client.watchDirty = false;
  if (client.subscriptions.active) server.pubsub.removeClient(client);
  client.db = 0;
  client.resp = 2;
  client.name = '';
  client.replyMode = 'on';
  client.noEvict = false;
  client.noTouch = false;
  if (client.tracking !== null) server.tracking.disable(client);
  client.user = server.acl.defaultUser;
  client.authenticated = !server.acl.authRequired;
  ctx.reply.simple('RESET');
}

// ---------------------------------------------------------------------------- CLIENT

/**
 * The client class CLIENT LIST / KILL TYPE filter on, as Redis' getClientType: master for the
 * primary's stream on a replica, replica for a replica's link, pubsub while it has any
 * subscription (RESP3 too), else normal. 'slave' is read as 'replica'.
 */
function clientType(c: ClientState): 'normal' | 'pubsub' | 'master' | 'replica' {
  if (c.replicationRole === 'master') return 'master';
  if (c.replicationRole === 'replica') return 'replica';
  return c.subscriptions.active ? 'pubsub' : 'normal';
}

function typeName(type: string): string {
  return type === 'slave' ? 'replica' : type;
}

function clientId(ctx: CommandContext): void {
  ctx.reply.integer(ctx.client.id);
}

function clientGetname(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.client.name === '' ? null : ctx.client.name);
}

function clientSetname(ctx: CommandContext, argv: Buffer[]): void {
  if (!validName(argv[2])) {
    ctx.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
    return;
  }
  ctx.client.name = argv[2].toString('latin1');
  ctx.reply.ok();
}

function clientSetinfo(ctx: CommandContext, argv: Buffer[]): void {
  const attr = argv[2];
  const isName = eqIgnoreCase(attr, 'lib-name');
  if (!isName && !eqIgnoreCase(attr, 'lib-ver')) {
    ctx.reply.error(`ERR Unrecognized option '${cString(attr)}'`);
    return;
  }
  if (!validName(argv[3])) {
    ctx.reply.error(`ERR ${isName ? 'lib-name' : 'lib-ver'} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (isName) ctx.client.libName = argv[3].toString('latin1');
  else ctx.client.libVer = argv[3].toString('latin1');
  ctx.reply.ok();
}

function clientList(ctx: CommandContext, argv: Buffer[]): void {
  let ids: Set<number> | null = null;
  let typeFilter: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    if (eqIgnoreCase(argv[i], 'type') && i + 1 < argv.length) {
      typeFilter = typeName(argv[++i].toString('latin1').toLowerCase());
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(typeFilter)) {
        ctx.reply.error(`ERR Unknown client type '${cString(argv[i])}'`);
        return;
      }
    } else if (eqIgnoreCase(argv[i], 'id') && i + 1 < argv.length) {
      ids = new Set();
      for (i++; i < argv.length; i++) {
        const id = parseInteger(argv[i]);
        if (id === null || id <= 0) {
          ctx.reply.error('ERR Invalid client ID');
          return;
        }
        ids.add(id);
      }
    } else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  let out = '';
  const now = Date.now();
  for (const c of ctx.server.clients.all()) {
    if (ids !== null && !ids.has(c.id)) continue;
    if (typeFilter !== null && typeFilter !== clientType(c)) continue;
    out += clientInfoLine(c, now, ctx.server.blocking.isBlocked(c)) + '\n';
  }
  ctx.reply.verbatim(out);
}

function clientInfo(ctx: CommandContext): void {
  ctx.reply.verbatim(clientInfoLine(ctx.client, Date.now(), false) + '\n');
}

function clientKill(ctx: CommandContext, argv: Buffer[]): void {
  const { server, reply } = ctx;
  if (argv.length === 3) {
    // Old form: CLIENT KILL ip:port
    const addr = argv[2].toString('latin1');
    for (const c of server.clients.all()) {
      if (c.addr === addr) {
        c.closeAfterReply();
        reply.ok();
        return;
      }
    }
    reply.error('ERR No such client');
    return;
  }
  let id: number | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: string | null = null;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i];
    const val = argv[i + 1];
    // As Redis, filters are read in order: a bad one before a lone trailing word is reported first.
    if (val === undefined) {
      reply.error('ERR syntax error');
      return;
    }
    if (eqIgnoreCase(opt, 'id')) {
      const n = parseInteger(val);
      if (n === null || n <= 0) {
        reply.error('ERR client-id should be greater than 0');
        return;
      }
      id = n;
    } else if (eqIgnoreCase(opt, 'addr')) addr = val.toString('latin1');
    else if (eqIgnoreCase(opt, 'laddr')) laddr = val.toString('latin1');
    else if (eqIgnoreCase(opt, 'user')) {
      user = val.toString('latin1');
      // Redis looks the user up first: 'default' is the only one here (no ACL users).
      if (user !== 'default') {
        reply.error(`ERR No such user '${user}'`);
        return;
      }
    } else if (eqIgnoreCase(opt, 'type')) {
      type = typeName(val.toString('latin1').toLowerCase());
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
        reply.error(`ERR Unknown client type '${cString(val)}'`);
        return;
      }
    } else if (eqIgnoreCase(opt, 'skipme')) {
      if (eqIgnoreCase(val, 'yes')) skipMe = true;
      else if (eqIgnoreCase(val, 'no')) skipMe = false;
      else {
        reply.error('ERR syntax error');
        return;
      }
    } else {
      reply.error('ERR syntax error');
      return;
    }
  }
  let killed = 0;
  const victims: ClientState[] = [];
  for (const c of server.clients.all()) {
    if (id !== null && c.id !== id) continue;
    if (addr !== null && c.addr !== addr) continue;
    if (laddr !== null && c.laddr !== laddr) continue;
    if (user !== null && c.user?.name !== user) continue;
    if (type !== null && type !== clientType(c)) continue;
    if (skipMe && c === ctx.client) continue;
    victims.push(c);
  }
  for (const c of victims) {
    // A blocked client's command ends with no reply, so that its connection can close.
    server.blocking.cancel(c);
    c.closeAfterReply();
    killed++;
  }
  reply.integer(killed);
}

/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR], checked as Redis 7.0's clientCommand: the reason,
 * then the id. A client blocked by a blocking pop answers as if its timeout had passed (TIMEOUT,
 * the default) or with -UNBLOCKED; 1 if there was one, else 0.
 */
function clientUnblock(ctx: CommandContext, argv: Buffer[]): void {
  const { reply, server } = ctx;
  if (argv.length > 4) {
    reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv[1], 128)}'. Try CLIENT HELP.`);
    return;
  }
  let how: 'timeout' | 'error' = 'timeout';
  if (argv.length === 4) {
    if (eqIgnoreCase(argv[3], 'error')) how = 'error';
    else if (!eqIgnoreCase(argv[3], 'timeout')) {
      reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  const id = parseIntegerArg(argv[2]);
  if (id === undefined) {
    reply.error(ERR_NOT_INTEGER);
    return;
  }
  reply.integer(typeof id === 'number' && server.blocking.unblock(id, how) ? 1 : 0);
}

function clientOnOff(ctx: CommandContext, arg: Buffer, set: (on: boolean) => void): void {
  if (eqIgnoreCase(arg, 'on')) set(true);
  else if (eqIgnoreCase(arg, 'off')) set(false);
  else {
    ctx.reply.error('ERR syntax error');
    return;
  }
  ctx.reply.ok();
}

function clientPause(ctx: CommandContext, argv: Buffer[]): void {
  const timeout = parseInteger(argv[2]);
  if (timeout === null) {
    ctx.reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (timeout < 0) {
    ctx.reply.error('ERR timeout is negative');
    return;
  }
  let writesOnly = false;
  if (argv.length === 4) {
    if (eqIgnoreCase(argv[3], 'write')) writesOnly = true;
    else if (!eqIgnoreCase(argv[3], 'all')) {
      ctx.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  ctx.server.control.pauseClients(Date.now() + timeout, writesOnly);
  ctx.reply.ok();
}

function clientReply(ctx: CommandContext, argv: Buffer[]): void {
  const arg = argv[2];
  if (eqIgnoreCase(arg, 'on')) {
    ctx.client.replyMode = 'on';
    ctx.reply.ok();
  } else if (eqIgnoreCase(arg, 'off')) {
    ctx.client.replyMode = 'off';
  } else if (eqIgnoreCase(arg, 'skip')) {
    if (ctx.client.replyMode === 'on') ctx.client.replyMode = 'skip';
  } else {
    ctx.reply.error('ERR syntax error');
  }
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * ID <client-id>',
  '      Kill connections by client id.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Set client meta attributes (library name and version).',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
  'HELP',
  '    Print this help.',
];

/** HELP replies are arrays of status strings, as Redis' addReplyHelp. */
export function replyHelp(ctx: CommandContext, lines: readonly string[]): void {
  ctx.reply.arrayHeader(lines.length);
  for (const l of lines) ctx.reply.simple(l);
}

function clientNoEvict(ctx: CommandContext, argv: Buffer[]): void {
  clientOnOff(ctx, argv[2], (on) => { ctx.client.noEvict = on; });
}

function clientNoTouch(ctx: CommandContext, argv: Buffer[]): void {
  clientOnOff(ctx, argv[2], (on) => { ctx.client.noTouch = on; });
}

function clientUnpause(ctx: CommandContext): void {
  ctx.server.control.unpauseClients();
  ctx.reply.ok();
}

/** Handlers by command name; the metadata is in ../command-table/connection.ts. */
export const connectionHandlers: CommandHandlers = {
  ping,
  echo,
  auth,
  hello,
  quit,
  reset,
  'client|id': clientId,
  'client|getname': clientGetname,
  'client|setname': clientSetname,
  'client|setinfo': clientSetinfo,
  'client|list': clientList,
  'client|info': clientInfo,
  'client|kill': clientKill,
  'client|unblock': clientUnblock,
  'client|no-evict': clientNoEvict,
  'client|no-touch': clientNoTouch,
  'client|pause': clientPause,
  'client|unpause': clientUnpause,
  'client|reply': clientReply,
  'client|help': (ctx) => replyHelp(ctx, CLIENT_HELP),
  ...clientTrackingHandlers,
};
