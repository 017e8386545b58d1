/**
 * Just enough RESP2/RESP3 reading for the differential tester: a reply's bytes as a tree, so a
 * comparison rule can look inside it (an EXEC array element by element, KEYS as a multiset, a TTL
 * as a number), plus writing a few replies back out (the SCAN exchange builds one). Raw bytes stay
 * the truth: every node keeps the exact slice it was parsed from, and the default rule compares
 * those slices.
 */

export interface RespNode {
  /** The type byte as a character: + - : $ * _ , # ( = % ~ > | ! */
  readonly type: string;
  /** The header line after the type byte: the simple string, the number, or the length. */
  readonly head: string;
  /** The payload of a bulk string, verbatim string or bulk error ($ = !); null for a nil bulk. */
  readonly data: Buffer | null;
  /** Elements of an aggregate (a map or attribute as key, value, key, value, ...). */
  readonly items: readonly RespNode[];
  /** The exact bytes of this node. */
  readonly raw: Buffer;
}

/** Parses one complete reply; throws on bytes that are not exactly one reply (a tester bug). */
export function parseReply(buf: Buffer): RespNode {
  const [node, end] = parseAt(buf, 0);
  if (end !== buf.length) throw new Error(`trailing bytes after a reply: ${JSON.stringify(buf.toString('latin1'))}`);
  return node;
}

/** Parses a stream of complete replies (pushes a watching connection received), in order. */
export function parseReplies(buf: Buffer): RespNode[] {
  const out: RespNode[] = [];
  for (let at = 0; at < buf.length;) {
    const [node, end] = parseAt(buf, at);
    out.push(node);
    at = end;
  }
  return out;
}

function parseAt(buf: Buffer, offset: number): [RespNode, number] {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) throw new Error(`incomplete reply: ${JSON.stringify(buf.toString('latin1', offset))}`);
  const type = String.fromCharCode(buf[offset]);
  const head = buf.toString('latin1', offset + 1, lineEnd);
  let pos = lineEnd + 2;
  let data: Buffer | null = null;
  const items: RespNode[] = [];
  switch (type) {
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n >= 0) {
        data = buf.subarray(pos, pos + n);
        pos += n + 2;
      }
      break;
    }
    case '*': case '~': case '>': case '%': case '|': {
      const n = Number(head);
      const count = n < 0 ? 0 : type === '%' || type === '|' ? 2 * n : n;
      for (let i = 0; i < count; i++) {
        const [item, next] = parseAt(buf, pos);
        items.push(item);
        pos = next;
      }
      if (type === '|') {
        // An attribute describes the reply that follows it: both are one reply.
        const [, next] = parseAt(buf, pos);
        pos = next;
      }
      break;
    }
    default:
      break; // + - : _ , # ( are one line
  }
  return [{ type, head, data, items, raw: buf.subarray(offset, pos) }, pos];
}

export function isError(node: RespNode): boolean {
  return node.type === '-' || node.type === '!';
}

export function isNil(node: RespNode): boolean {
  return node.type === '_' || ((node.type === '$' || node.type === '*') && node.head === '-1');
}

/** An array of bulk strings, as RESP2 and RESP3 both write key lists. */
export function encodeBulkArray(items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${items.length}\r\n`, 'latin1')];
  for (const item of items) parts.push(Buffer.from(`$${item.length}\r\n`, 'latin1'), item, Buffer.from('\r\n', 'latin1'));
  return Buffer.concat(parts);
}
