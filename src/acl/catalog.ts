/**
 * The commands as the ACL sees them: every command and subcommand with a small integer id (the
 * index of its bit in a selector's command bitmap, as Redis' ACLGetCommandID), its categories as
 * a bit set, and how it names Pub/Sub channels.
 *
 * Built once from the command table (src/command-table/registry.ts), by real names: as Redis' ACL
 * works on its original command table, a rule names a command as it is, whatever rename-command
 * did. Iteration order is the table's (Redis walks its command dictionary in hash order, which
 * changes with every process: the order of single commands in ACL LIST is its own there too).
 */
import type { CommandEntry, CommandTable } from '../command-table/registry.js';
import { ACL_CATEGORIES } from '../command-table/schema.js';

/** How a command names Pub/Sub channels (Redis' ACLDoesCommandHaveChannels and the argument ranges it checks). */
export const enum ChannelArgs {
  None = 0,
  /** PUBLISH, SPUBLISH: argv[1]. */
  First = 1,
  /** SUBSCRIBE, SSUBSCRIBE: every argument, matched against the user's channel patterns. */
  All = 2,
  /** PSUBSCRIBE: every argument, each pattern literally equal to one of the user's. */
  AllLiteral = 3,
}

/** Anything the registry made: the catalog never calls a handler. */
export type AnyCommand = CommandEntry<unknown>;

export interface AclCommand {
  readonly id: number;
  readonly entry: AnyCommand;
  /** 'get', 'config|get'. */
  readonly fullName: string;
  /** Bit i: ACL_CATEGORIES[i]. */
  readonly categories: number;
  readonly parent: AclCommand | null;
  readonly subcommands: readonly AclCommand[];
  readonly channels: ChannelArgs;
}

const CHANNEL_COMMANDS: Readonly<Record<string, ChannelArgs>> = {
  publish: ChannelArgs.First,
  spublish: ChannelArgs.First,
  subscribe: ChannelArgs.All,
  ssubscribe: ChannelArgs.All,
  psubscribe: ChannelArgs.AllLiteral,
};

/** The bit of a category name (without '@', any case), or 0 when there is no such category. */
export function categoryBit(name: string): number {
  const i = (ACL_CATEGORIES as readonly string[]).indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

export class AclCatalog {
  /** Top-level commands in table order; each lists its subcommands. */
  readonly commands: readonly AclCommand[];
  /** Every command and subcommand, by id. */
  readonly byId: readonly AclCommand[];
  private readonly byEntry = new Map<AnyCommand, AclCommand>();
  private readonly byName = new Map<string, AclCommand>();

  constructor(table: CommandTable<unknown>) {
    const byId: AclCommand[] = [];
    const make = (entry: AnyCommand, parent: AclCommand | null): AclCommand => {
      let categories = 0;
      for (const c of entry.aclCategories) categories |= categoryBit(c.slice(1));
      const subcommands: AclCommand[] = [];
      const command: AclCommand = {
        id: byId.length, entry, fullName: entry.fullName, categories, parent, subcommands,
        channels: CHANNEL_COMMANDS[entry.fullName] ?? ChannelArgs.None,
      };
      byId.push(command);
      this.byEntry.set(entry, command);
      this.byName.set(entry.fullName, command);
      for (const sub of entry.subcommands?.entries() ?? []) subcommands.push(make(sub, command));
      return command;
    };
    this.commands = table.entries().map((e) => make(e, null));
    this.byId = byId;
  }

  get size(): number {
    return this.byId.length;
  }

  /** The ACL view of a table entry (undefined for one made after the catalog). */
  of(entry: AnyCommand): AclCommand | undefined {
    return this.byEntry.get(entry);
  }

  /**
   * A command named in a rule: 'get' or 'config|get', any case (Redis' ACLLookupCommand): a
   * subcommand only of a container, and no deeper than that.
   */
  lookup(name: string): AclCommand | undefined {
    const lower = name.toLowerCase();
    const parts = lower.split('|');
    if (parts.length > 2) return undefined;
    return this.byName.get(lower);
  }
}
