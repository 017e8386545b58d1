/**
 * The master client: a replica runs its primary's stream through the same Dispatcher a
 * connection uses (MULTI, SELECT, key locks, keyspace notifications, WATCH all behave), as a
 * client with no socket whose replies are dropped, as Redis drops the replies to its master.
 * It is exempt from READONLY and -LOADING (Replication.refusal) by its role.
 */
import type { ClientState, CommandContext, ServerContext } from '../commands/types.js';
import { ClientSession } from '../commands/client-session.js';
import { ReplyWriter } from '../protocol/reply.js';
import type { CommandRunner } from './core.js';

/** What the master client needs of the dispatcher (src/server/dispatcher.ts). */
export interface CommandExecutor {
  beginBatch(): void;
  execute(ctx: CommandContext, argv: Buffer[]): Promise<void> | undefined;
}

export class MasterClient extends ClientSession implements ClientState, CommandRunner {
  readonly id: number;
  resp: 2 | 3 = 2;
  authenticated = true;
  readonly laddr = '';
  readonly createdAt = Date.now();
  lastInteraction = this.createdAt;
  private readonly reply = new ReplyWriter(256);
  private readonly ctx: CommandContext;

  constructor(server: ServerContext, private readonly executor: CommandExecutor, id: number, readonly addr: string) {
    super();
    this.id = id;
    this.replicationRole = 'master';
    this.ctx = { client: this, server, reply: this.reply };
  }

  closeAfterReply(): void {}

  run(argv: Buffer[]): Promise<void> | undefined {
    this.lastInteraction = Date.now();
    this.executor.beginBatch();
    const pending = this.executor.execute(this.ctx, argv);
    if (pending === undefined) {
      this.reply.take();
      return undefined;
    }
    return pending.then(() => { this.reply.take(); });
  }
}
