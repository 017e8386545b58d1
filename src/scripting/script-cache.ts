/**
 * The EVAL script cache: SHA1 of the body → the compiled function (a registry ref in the Lua
 * state), as Redis keeps `f_<sha>`. EVAL adds what it compiles; SCRIPT LOAD adds without
 * running; SCRIPT FLUSH empties it. Nothing else evicts (Redis 7.0 neither).
 */
import { createHash } from 'node:crypto';

export interface CachedScript {
  readonly sha: string;
  readonly ref: number;
  /** Body length, for INFO used_memory_scripts_eval. */
  readonly bytes: number;
  /** It has a shebang (declared flags). */
  readonly declared: boolean;
  /** Its shebang says `flags=no-writes`: it runs as read-only. */
  readonly noWrites: boolean;
}

export function sha1hex(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex');
}

export class ScriptCache {
  private readonly scripts = new Map<string, CachedScript>();
  private bodyBytes = 0;

  get size(): number {
    return this.scripts.size;
  }

  /** Bytes of the cached bodies and their keys, roughly as Redis counts used_memory_scripts_eval. */
  get bytes(): number {
    return this.bodyBytes;
  }

  /** `sha` in lower case. */
  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha);
  }

  add(script: CachedScript): void {
    this.scripts.set(script.sha, script);
    this.bodyBytes += script.bytes + 40;
  }

  /** Empties the cache; returns what was in it, for the VM to release. */
  clear(): CachedScript[] {
    const all = [...this.scripts.values()];
    this.scripts.clear();
    this.bodyBytes = 0;
    return all;
  }
}
