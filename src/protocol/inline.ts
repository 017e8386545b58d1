/**
 * Splitting a line into arguments the way Redis' `sdssplitargs` does: used for inline commands
 * (typed in telnet) and for config files and command-line directives, which Redis parses the same
 * way. Double quotes understand \n \r \t \b \a \\ \" and \xHH; single quotes understand only \'.
 * A closing quote must be followed by a space or the end of the line.
 *
 * Works on binary strings (latin1, one byte per char) so inline arguments stay binary-safe.
 */

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

/** Redis' isspace set: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** The arguments of `line`, or null when quotes are unbalanced (Redis' "unbalanced quotes"). */
export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (c === 0x5c && i + 3 < n && line.charCodeAt(i + 1) === 0x78 && isHex(line.charCodeAt(i + 2)) && isHex(line.charCodeAt(i + 3))) {
          current += String.fromCharCode(hexValue(line.charCodeAt(i + 2)) * 16 + hexValue(line.charCodeAt(i + 3)));
          i += 3;
        } else if (c === 0x5c && i + 1 < n) {
          i++;
          const e = line[i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 0x22) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += line[i];
        }
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (c === 0x5c && i + 1 < n && line.charCodeAt(i + 1) === 0x27) {
          i++;
          current += "'";
        } else if (c === 0x27) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += line[i];
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line.charCodeAt(i);
        if (isSpace(c)) done = true;
        else if (c === 0x22) inDouble = true;
        else if (c === 0x27) inSingle = true;
        else current += line[i];
      }
      if (i < n) i++;
    }
    args.push(current);
  }
}
