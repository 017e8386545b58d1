/**
 * What a script past busy-reply-threshold makes the server answer other clients: Redis 7.0 names
 * the command that can stop it, SCRIPT KILL for an EVAL script (shared.slowevalerr) and FUNCTION
 * KILL for a function (shared.slowscripterr).
 */

/** What runs: an EVAL script or a function (FCALL); SCRIPT KILL and FUNCTION KILL each stop only their own. */
export type ScriptKind = 'eval' | 'function';

export function busyError(kind: ScriptKind): string {
  return `BUSY Redis is busy running a script. You can only call ${kind === 'eval' ? 'SCRIPT' : 'FUNCTION'} KILL or SHUTDOWN NOSAVE.`;
}
