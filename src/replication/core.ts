/**
 * What the two sides of replication (primary.ts: replica links, PSYNC, WAIT; replica.ts: the link
 * to a primary) need from the Replication that owns them, and what it needs from the server: the
 * types alone, so that replication.ts imports the sides and the sides import only this file.
 */
import type { ClientState } from '../commands/types.js';
import type { ServerConfig } from '../config/config.js';
import type { Db } from '../engine/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ReplyWriter } from '../protocol/reply.js';
import type { Logger } from '../util/logger.js';
import type { Backlog } from './backlog.js';

/** A replica's connection as the primary side writes the stream to it. */
export interface ReplicaConnection {
  readonly isClosed: boolean;
  /** Unsent bytes (reply buffer and socket). */
  readonly outputBytes: number;
  readonly addr: string;
  pushOutOfBand(write: (reply: ReplyWriter) => void): void;
  destroy(): void;
}

/** Runs the primary's stream on a replica, as its in-process master client. */
export interface CommandRunner {
  /** The database the master client has selected. */
  readonly db: number;
  run(argv: Buffer[]): Promise<void> | undefined;
}

/** What replication needs from the server. */
export interface ReplicationHost {
  readonly config: ServerConfig;
  readonly db: Db;
  readonly keyspace: Keyspace;
  readonly logger: Logger;
  /** The port this server listens on (REPLCONF listening-port). */
  readonly tcpPort: number;
  /** A connection by client id, for a replica link to write the stream to. */
  connection(id: number): ReplicaConnection | undefined;
  /** Runs commands from the primary's stream as an in-process client. */
  commandRunner(addr: string): CommandRunner;
  /** Disconnects clients of a kind (after a role change, as Redis does for blocked clients). */
  clientsOf(): Iterable<ClientState>;
}

export interface ReplicationStats {
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}

/** The replication state both sides read and change (Replication implements it). */
export interface ReplicationCore {
  readonly host: ReplicationHost;
  /** The replication ID and offset this server is at; replid2/secondOffset: the previous history's. */
  replid: string;
  replid2: string;
  secondOffset: number;
  readonly offset: number;
  /** The database the stream last selected (-1: the next write selects again). */
  streamDb: number;
  /** A full sync is being loaded: other clients get -LOADING. */
  loading: boolean;
  readonly stats: ReplicationStats;
  /** The link to a primary while this server is a replica. */
  readonly link: { readonly up: boolean } | null;
  readonly dir: string;
  readonly minReplicasMaxLag: number;
  ensureBacklog(): Backlog;
  appendStream(bytes: Buffer): void;
  startHistory(replid: string, offset: number): void;
}
