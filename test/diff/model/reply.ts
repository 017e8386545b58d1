/**
 * RESP2 reply bytes for models (types.ts), spelled as Redis writes them, and the error texts
 * Redis shares across commands. A model returns these from `apply`.
 */

const CRLF = '\r\n';

export const ok = (): Buffer => Buffer.from(`+OK${CRLF}`);
export const nil = (): Buffer => Buffer.from(`$-1${CRLF}`);
export const nilArray = (): Buffer => Buffer.from(`*-1${CRLF}`);
export const int = (n: number | bigint): Buffer => Buffer.from(`:${n}${CRLF}`);
export const simple = (text: string): Buffer => Buffer.from(`+${text}${CRLF}`, 'latin1');

export function bulk(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([Buffer.from(`$${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF)]);
}

/** An array of already encoded replies. */
export function array(items: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${items.length}${CRLF}`), ...items]);
}

/** An error reply; `text` is the whole line after '-' (its code included). */
export const err = (text: string): Buffer => Buffer.from(`-${text}${CRLF}`, 'latin1');

export const wrongType = (): Buffer => err('WRONGTYPE Operation against a key holding the wrong kind of value');
export const syntaxError = (): Buffer => err('ERR syntax error');
export const notInteger = (): Buffer => err('ERR value is not an integer or out of range');

/** Redis' arity error: the command name in lower case, as it appears in the command table. */
export const arityError = (name: string): Buffer => err(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
