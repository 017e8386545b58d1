/**
 * The session state every client carries (ClientState's mutable fields), with the defaults a new
 * Redis connection has: database 0, no name, default user, no transaction, no watches, replies
 * on. RESP connections and the admin port's in-process client both start from it.
 */
import type { QueuedCommand, ReplyMode } from './types.js';
import { ClientSubscriptions, type PushMessage, type Subscriber } from '../pubsub/hub.js';
import type { ClientTracking } from '../pubsub/tracking.js';
import type { AclUser } from '../acl/users.js';

export abstract class ClientSession {
  name = '';
  db = 0;
  /** Unrestricted until a connection sets its user (see ClientState.user). */
  user: AclUser | null = null;
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
  /** CLIENT LIST flags S / M: a replica's link here, or the primary's stream applied here (src/replication/). */
  replicationRole: '' | 'replica' | 'master' = '';
  readonly subscriptions = new ClientSubscriptions();
  /** CLIENT TRACKING state; null while off. */
  tracking: ClientTracking | null = null;

  /**
   * A client without a socket (the admin port's) has nowhere to put a message: it drops it. A
   * connection overrides this.
   */
  deliver(_message: PushMessage, _publisher: Subscriber | null): void {}
}
