/**
 * Every command family, gathered into the one table the server registers. A family is an array of
 * CommandSpec exported by its file; adding a family means adding it here.
 */
import type { CommandSpec } from './types.js';
import { stringCommands } from './strings.js';
import { bitCommands } from './bits.js';
import { keyCommands } from './keys.js';
import { expiryCommands } from './expiry.js';
import { databaseCommands } from './databases.js';
import { connectionCommands } from './connection.js';
import { serverCommands } from './server.js';
import { transactionCommands } from './transactions.js';

export const allCommands: readonly CommandSpec[] = [
  ...stringCommands,
  ...bitCommands,
  ...keyCommands,
  ...expiryCommands,
  ...databaseCommands,
  ...connectionCommands,
  ...serverCommands,
  ...transactionCommands,
];
