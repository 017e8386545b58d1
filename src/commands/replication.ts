/**
 * REPLICAOF / SLAVEOF, ROLE, WAIT, and the commands a replica sends its primary (REPLCONF, PSYNC,
 * SYNC): argument checks with Redis 7.0's texts (replication.c), then ServerControl.replication
 * (src/replication/) does the work. Metadata in ../command-table/replication.ts.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import { argIs } from '../keyspace/numbers.js';

const ERR_WAIT_ON_REPLICA =
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

function integer(arg: Buffer): number | null {
  const s = arg.toString('latin1');
  if (!/^-?(0|[1-9]\d{0,18})$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function replicaofCommand(ctx: CommandContext, argv: Buffer[]): void {
  const repl = ctx.server.control.replication;
  if (argIs(argv[1], 'no') && argIs(argv[2], 'one')) {
    repl.promote();
    return ctx.reply.ok();
  }
  if (ctx.client.replicationRole === 'replica') return ctx.reply.error('ERR Command is not valid when client is a replica.');
  const port = integer(argv[2]);
  if (port === null || port < 0 || port > 65535) return ctx.reply.error('ERR Invalid master port');
  const note = repl.replicaOf(argv[1].toString(), port);
  if (note !== null) return ctx.reply.simple(`OK ${note}`);
  ctx.reply.ok();
}

function waitCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const repl = ctx.server.control.replication;
  if (repl.isReplica) return ctx.reply.error(ERR_WAIT_ON_REPLICA);
  const numReplicas = integer(argv[1]);
  if (numReplicas === null) return ctx.reply.error('ERR value is not an integer or out of range');
  const timeout = integer(argv[2]);
  if (timeout === null) return ctx.reply.error('ERR timeout is not an integer or out of range');
  if (timeout < 0) return ctx.reply.error('ERR timeout is negative');
  // Inside MULTI (or a script) nothing may block: the count now, as Redis' CLIENT_DENY_BLOCKING.
  return repl.wait(ctx, numReplicas, ctx.server.blocking.mayBlock(ctx.client) ? timeout : -1);
}

export const replicationHandlers: CommandHandlers = {
  replicaof: replicaofCommand,
  slaveof: replicaofCommand,
  role: (ctx) => ctx.server.control.replication.role(ctx.reply),
  wait: waitCommand,
  replconf: (ctx, argv) => ctx.server.control.replication.replconf(ctx, argv),
  psync: (ctx, argv) => ctx.server.control.replication.psync(ctx, argv[1].toString('latin1'), argv[2].toString('latin1'), false),
  sync: (ctx) => ctx.server.control.replication.psync(ctx, '?', '-1', true),
};
