/**
 * C's `%.<n>f` as glibc prints a double: the exact binary value rounded to n decimals, an exact tie
 * rounded to even (JavaScript's toFixed rounds ties away from zero and gives up on exponential
 * notation from 1e21), the sign kept for negative values and negative zero, `inf` / `nan` spelled
 * as glibc spells them.
 */
export function printfFixed(d: number, digits: number): string {
  if (Number.isNaN(d)) return d < 0 ? '-nan' : 'nan';
  const sign = d < 0 || Object.is(d, -0) ? '-' : '';
  const abs = Math.abs(d);
  if (abs === Infinity) return `${sign}inf`;
  if (abs >= 1e21) return `${sign}${BigInt(abs).toString()}${digits > 0 ? '.' + '0'.repeat(digits) : ''}`;
  let text = abs.toFixed(digits);
  // A tie needs a value with at most digits + 1 decimals, i.e. a multiple of 2^-(digits+1): then
  // toFixed(digits + 1) is exact, and its last digit tells.
  if (Number.isInteger(abs * 2 ** (digits + 1))) {
    const longer = abs.toFixed(digits + 1);
    if (longer.endsWith('5')) {
      const down = longer.slice(0, digits === 0 ? -2 : -1);
      const lastDigit = down.charCodeAt(down.length - 1) - 0x30;
      if (lastDigit % 2 === 0) text = down;
    }
  }
  return sign + text;
}

/**
 * Redis' ld2string in LD_STR_HUMAN mode for a double (addReplyHumanLongDouble, INCRBYFLOAT): `%.17Lf`
 * without trailing zeros (nor a trailing '.'), "-0" written "0". The value widened to a long double
 * is the same number, so printing the double exactly is the same text.
 */
export function humanFixed(d: number): string {
  let text = printfFixed(d, 17);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}
