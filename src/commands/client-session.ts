/**
 * The session state every client carries (ClientState's mutable fields), with the defaults a new
 * Redis connection has: database 0, no name, default user, no transaction, no watches, replies
 * on. RESP connections and the admin port's in-process client both start from it.
 */
import type { QueuedCommand, ReplyMode } from './types.js';

export abstract class ClientSession {
  name = '';
  db = 0;
  user = 'default';
  multi: QueuedCommand[] | null = null;
  multiFailed = false;
  watchDirty = false;
  watchedKeys = 0;
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  libName = '';
  libVer = '';
  lastCommand = 'NULL';
}
