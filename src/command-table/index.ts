/**
 * The whole command table, in the order COMMAND and COMMAND LIST list it.
 *
 * One file per family rather than one file for all: each stays short enough to read top to
 * bottom beside its handler file (command-table/strings.ts ↔ commands/strings.ts), and a new family
 * (hashes, sets, sorted sets) is a new pair of files plus a line here and in ../commands/index.ts.
 */
import type { CommandDef } from './schema.js';
import { STRING_COMMANDS } from './strings.js';
import { BIT_COMMANDS } from './bits.js';
import { KEY_COMMANDS } from './keys.js';
import { EXPIRY_COMMANDS } from './expiry.js';
import { DATABASE_COMMANDS } from './databases.js';
import { CONNECTION_COMMANDS } from './connection.js';
import { SERVER_COMMANDS } from './server.js';
import { TRANSACTION_COMMANDS } from './transactions.js';
import { HASH_COMMANDS } from './hashes.js';
import { SET_COMMANDS } from './sets.js';
import { SORTED_SET_COMMANDS } from './sorted-sets.js';
import { PUBSUB_COMMANDS } from './pubsub.js';
import { LIST_COMMANDS } from './lists.js';
import { BLOCKING_COMMANDS } from './blocking.js';
import { SORT_COMMANDS } from './sort.js';
import { STREAM_COMMANDS } from './streams.js';
import { SCRIPTING_COMMANDS } from './scripting.js';
import { FUNCTION_COMMANDS } from './functions.js';
import { HYPERLOGLOG_COMMANDS } from './hyperloglog.js';
import { GEO_COMMANDS } from './geo.js';
import { DUMP_COMMANDS } from './dump.js';
import { ACL_COMMANDS } from './acl.js';
import { INTROSPECTION_COMMANDS } from './introspection.js';
import { CLUSTER_COMMANDS } from './cluster.js';
import { REPLICATION_COMMANDS } from './replication.js';

export const COMMAND_TABLE: readonly CommandDef[] = [
  ...STRING_COMMANDS,
  ...BIT_COMMANDS,
  ...KEY_COMMANDS,
  ...EXPIRY_COMMANDS,
  ...DATABASE_COMMANDS,
  ...CONNECTION_COMMANDS,
  ...SERVER_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...SORTED_SET_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...LIST_COMMANDS,
  ...BLOCKING_COMMANDS,
  ...SORT_COMMANDS,
  ...STREAM_COMMANDS,
  ...SCRIPTING_COMMANDS,
  ...FUNCTION_COMMANDS,
  ...HYPERLOGLOG_COMMANDS,
  ...GEO_COMMANDS,
  ...DUMP_COMMANDS,
  ...ACL_COMMANDS,
  ...INTROSPECTION_COMMANDS,
  ...CLUSTER_COMMANDS,
  ...REPLICATION_COMMANDS,
];
