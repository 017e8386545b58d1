/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: the commands of server-assisted client-side
 * caching, with Redis 7.0's option checks and texts (networking.c). What tracking does is in
 * src/pubsub/tracking.ts.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import { argIs, parseInt64 } from '../keyspace/numbers.js';

const SYNTAX = 'ERR syntax error';

function clientTracking(ctx: CommandContext, argv: Buffer[]): void {
  const { client, server, reply } = ctx;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j > 0;
    const opt = argv[j];
    if (argIs(opt, 'redirect') && more) {
      j++;
      if (redirect !== 0) return reply.error('ERR A client can only redirect to a single other client');
      const parsed = parseInt64(argv[j]);
      if (parsed === undefined) return reply.error('ERR value is not an integer or out of range');
      const id = Number(parsed);
      // The target must exist now, though it may go away later (then the redirect is "broken").
      if (server.clients.get(id) === undefined) return reply.error('ERR The client ID you want redirect to does not exist');
      redirect = id;
    } else if (argIs(opt, 'bcast')) bcast = true;
    else if (argIs(opt, 'optin')) optin = true;
    else if (argIs(opt, 'optout')) optout = true;
    else if (argIs(opt, 'noloop')) noloop = true;
    else if (argIs(opt, 'prefix') && more) {
      j++;
      prefixes.push(argv[j].toString('latin1'));
    } else return reply.error(SYNTAX);
  }
  const mode = argv[2];
  if (argIs(mode, 'off')) {
    server.tracking.disable(client);
    return reply.ok();
  }
  if (!argIs(mode, 'on')) return reply.error(SYNTAX);
  const current = client.tracking;
  if (!bcast && prefixes.length > 0) return reply.error('ERR PREFIX option requires BCAST mode to be enabled');
  if (current !== null && current.bcast !== bcast) {
    return reply.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (bcast && (optin || optout)) return reply.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (optin && optout) return reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (current !== null && ((optin && current.optout) || (optout && current.optin))) {
    return reply.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (bcast) {
    const conflict = server.tracking.prefixConflict(client, prefixes);
    if (conflict !== null) return reply.error(conflict);
  }
  server.tracking.enable(client, { redirect, bcast, optin, optout, noloop, prefixes });
  reply.ok();
}

function clientCaching(ctx: CommandContext, argv: Buffer[]): void {
  const { client, reply } = ctx;
  const t = client.tracking;
  if (t === null) return reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  const opt = argv[2];
  if (argIs(opt, 'yes')) {
    if (!t.optin) return reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (argIs(opt, 'no')) {
    if (!t.optout) return reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return reply.error(SYNTAX);
  }
  t.caching = true;
  reply.ok();
}

function clientGetredir(ctx: CommandContext): void {
  const t = ctx.client.tracking;
  ctx.reply.integer(t === null ? -1 : t.redirect);
}

/** A map (RESP2: a flat array) of flags (a set), redirect and prefixes, as Redis' CLIENT TRACKINGINFO. */
function clientTrackinginfo(ctx: CommandContext): void {
  const { reply } = ctx;
  const t = ctx.client.tracking;
  reply.mapHeader(3);
  reply.bulk('flags');
  const flags = t === null ? ['off'] : t.flags();
  reply.setHeader(flags.length);
  for (const f of flags) reply.bulk(f);
  reply.bulk('redirect');
  reply.integer(t === null ? -1 : t.redirect);
  reply.bulk('prefixes');
  const prefixes = t === null ? [] : [...t.prefixes];
  reply.arrayHeader(prefixes.length);
  for (const p of prefixes) reply.bulk(Buffer.from(p, 'latin1'));
}

export const clientTrackingHandlers: CommandHandlers = {
  'client|tracking': clientTracking,
  'client|caching': clientCaching,
  'client|getredir': clientGetredir,
  'client|trackinginfo': clientTrackinginfo,
};
