/**
 * One CLIENT LIST / CLIENT INFO line, field for field as Redis 7.0 prints it, so tools that parse
 * it (redis-cli, monitoring agents) find every field they expect. A client that told its library
 * with CLIENT SETINFO (a 7.2 command StrataKV also serves) gets 7.2's lib-name= and lib-ver= at
 * the end; the others' lines are 7.0's, byte for byte.
 */
import type { ClientState } from './types.js';

/** Extra numbers a real connection can report; absent on other ClientState implementations. */
export interface ConnectionIntrospection {
  readonly queryBufferBytes: number;
  readonly outputBytes: number;
  readonly monitoring: boolean;
}

function flagsOf(c: ClientState & Partial<ConnectionIntrospection>, blocked: boolean): string {
  let f = '';
  if (c.replicationRole === 'replica') f += 'S';
  if (c.replicationRole === 'master') f += 'M';
  if (c.monitoring) f += 'O';
  if (c.subscriptions.active) f += 'P';
  if (c.multi !== null) f += 'x';
  if (blocked) f += 'b';
  const t = c.tracking;
  if (t !== null) {
    f += 't';
    if (t.brokenRedirect) f += 'R';
    if (t.bcast) f += 'B';
  }
  if (c.watchDirty) f += 'd';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}

/** `blocked`: the client waits in a blocking command (flag b). */
export function clientInfoLine(client: ClientState, now: number, blocked: boolean): string {
  const c = client as ClientState & Partial<ConnectionIntrospection>;
  const qbuf = c.queryBufferBytes ?? 0;
  const omem = c.outputBytes ?? 0;
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)}` +
    ` idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flagsOf(c, blocked)} db=${c.db} sub=${c.subscriptions.channels.size} psub=${c.subscriptions.patterns.size} ssub=${c.subscriptions.shardChannels.size}` +
    ` multi=${c.multi === null ? -1 : c.multi.length} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0` +
    ` obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} events=r cmd=${c.lastCommand} user=${c.user?.name ?? 'default'} redir=${c.tracking === null ? -1 : c.tracking.redirect} resp=${c.resp}` +
    (c.libName === '' && c.libVer === '' ? '' : ` lib-name=${c.libName} lib-ver=${c.libVer}`);
}

