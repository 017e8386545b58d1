/**
 * Every command: the table's entries (../command-table/) joined with the handlers each family file exports
 * by name. Joining throws, when this module loads, if an entry lacks its handler or a handler its
 * entry.
 *
 * Adding a command: its entry in ../command-table/<family>.ts, its handler in ./<family>.ts's handler map.
 * Adding a family: both files, and a line here and in ../command-table/index.ts.
 */
import type { CommandSpec } from './types.js';
import { attachHandlers } from '../command-table/registry.js';
import { COMMAND_TABLE } from '../command-table/index.js';
import { stringHandlers } from './strings.js';
import { bitHandlers } from './bits.js';
import { keyHandlers } from './keys.js';
import { expiryHandlers } from './expiry.js';
import { databaseHandlers } from './databases.js';
import { connectionHandlers } from './connection.js';
import { serverHandlers } from './server.js';
import { transactionHandlers } from './transactions.js';
import { hashHandlers } from './hashes.js';
import { hashFieldExpiryHandlers } from './hash-field-expiry.js';
import { setHandlers } from './sets.js';
import { sortedSetHandlers } from './sorted-sets.js';
import { pubsubHandlers } from './pubsub.js';
import { listHandlers } from './lists.js';
import { blockingHandlers } from './blocking.js';
import { sortHandlers } from './sort.js';
import { streamHandlers } from './streams.js';
import { streamGroupHandlers } from './stream-groups.js';
import { scriptingHandlers } from './scripting.js';
import { functionHandlers } from './functions.js';
import { hyperloglogHandlers } from './hyperloglog.js';
import { geoHandlers } from './geo.js';
import { dumpHandlers } from './dump.js';
import { aclHandlers } from './acl.js';
import { introspectionHandlers } from './introspection.js';
import { lolwutHandlers } from './lolwut.js';
import { clusterHandlers } from './cluster.js';
import { replicationHandlers } from './replication.js';

export const allCommands: readonly CommandSpec[] = attachHandlers(COMMAND_TABLE, [
  stringHandlers,
  bitHandlers,
  keyHandlers,
  expiryHandlers,
  databaseHandlers,
  connectionHandlers,
  serverHandlers,
  transactionHandlers,
  hashHandlers,
  hashFieldExpiryHandlers,
  setHandlers,
  sortedSetHandlers,
  pubsubHandlers,
  listHandlers,
  blockingHandlers,
  sortHandlers,
  streamHandlers,
  streamGroupHandlers,
  scriptingHandlers,
  functionHandlers,
  hyperloglogHandlers,
  geoHandlers,
  dumpHandlers,
  aclHandlers,
  introspectionHandlers,
  lolwutHandlers,
  clusterHandlers,
  replicationHandlers,
]);
