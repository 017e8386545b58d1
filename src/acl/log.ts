/**
 * ACL LOG: the security log of refused commands, keys, channels and failed authentications, as
 * Redis 7.0 keeps it (acl.c's addACLLogEntry): newest first, at most acllog-max-len entries; an
 * event like one of the 10 newest entries (same reason, context, object and user, within 60
 * seconds) bumps that entry's count and moves it to the front instead of adding one.
 *
 * The object of a failed AUTH is the command name, never the password; the user is the name tried.
 */

export type LogReason = 'command' | 'key' | 'channel' | 'auth';
export type LogContext = 'toplevel' | 'multi' | 'lua';

export interface AclLogEntry {
  count: number;
  readonly reason: LogReason;
  readonly context: LogContext;
  readonly object: string;
  readonly username: string;
  /** ms since the epoch of the latest occurrence. */
  time: number;
  /** CLIENT LIST line of the latest client it happened to. */
  clientInfo: string;
}

const GROUPING_MS = 60000;
const SCANNED = 10;

export class AclLog {
  /** Newest first. */
  private entries: AclLogEntry[] = [];

  get length(): number {
    return this.entries.length;
  }

  add(event: Omit<AclLogEntry, 'count' | 'time'>, maxLen: number, now = Date.now()): void {
    const scan = Math.min(SCANNED, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i];
      if (e.reason === event.reason && e.context === event.context && Math.abs(e.time - now) <= GROUPING_MS &&
          e.object === event.object && e.username === event.username) {
        e.count++;
        e.time = now;
        e.clientInfo = event.clientInfo;
        this.entries.splice(i, 1);
        this.entries.unshift(e);
        return;
      }
    }
    this.entries.unshift({ ...event, count: 1, time: now });
    this.trim(maxLen);
  }

  trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  /** The newest `count` entries. */
  newest(count: number): readonly AclLogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  reset(): void {
    this.entries = [];
  }
}
