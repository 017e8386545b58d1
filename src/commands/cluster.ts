/**
 * Cluster family: CLUSTER and its subcommands, ASKING, READONLY, READWRITE. StrataKV runs
 * standalone, as a redis-server 7.0 with cluster-enabled no: every one of them (CLUSTER HELP too)
 * answers Redis' error for that case, after the dispatcher has checked arity and subcommand names
 * as Redis does. Metadata: ../command-table/cluster.ts.
 */
import type { CommandContext, CommandHandlers } from './types.js';

function clusterDisabled(ctx: CommandContext): void {
  ctx.reply.error('ERR This instance has cluster support disabled');
}

/** Handlers by command name; the metadata is in ../command-table/cluster.ts. */
export const clusterHandlers: CommandHandlers = {
  'cluster|addslots': clusterDisabled,
  'cluster|addslotsrange': clusterDisabled,
  'cluster|bumpepoch': clusterDisabled,
  'cluster|count-failure-reports': clusterDisabled,
  'cluster|countkeysinslot': clusterDisabled,
  'cluster|delslots': clusterDisabled,
  'cluster|delslotsrange': clusterDisabled,
  'cluster|failover': clusterDisabled,
  'cluster|flushslots': clusterDisabled,
  'cluster|forget': clusterDisabled,
  'cluster|getkeysinslot': clusterDisabled,
  'cluster|help': clusterDisabled,
  'cluster|info': clusterDisabled,
  'cluster|keyslot': clusterDisabled,
  'cluster|links': clusterDisabled,
  'cluster|meet': clusterDisabled,
  'cluster|myid': clusterDisabled,
  'cluster|nodes': clusterDisabled,
  'cluster|replicas': clusterDisabled,
  'cluster|replicate': clusterDisabled,
  'cluster|reset': clusterDisabled,
  'cluster|saveconfig': clusterDisabled,
  'cluster|set-config-epoch': clusterDisabled,
  'cluster|setslot': clusterDisabled,
  'cluster|shards': clusterDisabled,
  'cluster|slaves': clusterDisabled,
  'cluster|slots': clusterDisabled,
  'asking': clusterDisabled,
  'readonly': clusterDisabled,
  'readwrite': clusterDisabled,
};
