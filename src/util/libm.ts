/**
 * sin, cos and asin rounded correctly, as glibc's libm computes them (to the last bit in all but
 * vanishingly rare cases), for the GEO commands: Redis prints distances it computes with these
 * (GEOSEARCHSTORE STOREDIST stores them with all 17 digits), and V8's Math.sin / Math.cos /
 * Math.asin (fdlibm) are off by an ulp often enough for a differential test to see it.
 *
 * Each value is evaluated in double-double arithmetic (about 106 bits) and rounded once: sin and
 * cos by their Taylor series (arguments up to about pi; beyond, Math's own value is used: the GEO
 * code never needs those exactly), asin by Newton's method on sin from Math.asin's estimate.
 */

/** A double-double: the value hi + lo with |lo| <= ulp(hi) / 2. */
interface DD {
  hi: number;
  lo: number;
}

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  const u = quickTwoSum(s.hi, s.lo + t.hi);
  return quickTwoSum(u.hi, u.lo + t.lo);
}

function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

function divByInt(a: DD, k: number): DD {
  const q1 = a.hi / k;
  const p = twoProd(q1, k);
  const r = a.hi - p.hi - p.lo + a.lo;
  return quickTwoSum(q1, r / k);
}

const neg = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });

/** pi to about 107 bits. */
const PI: DD = { hi: 3.141592653589793, lo: 1.2246467991473532e-16 };

const TERMS = 22;
/** (-1)^n / (2n+1)! and (-1)^n / (2n)! for n = 0..TERMS. */
const SIN_COEFFS: DD[] = [];
const COS_COEFFS: DD[] = [];
{
  let f: DD = { hi: 1, lo: 0 };
  for (let k = 0; k <= 2 * TERMS + 1; k++) {
    if (k > 0) f = divByInt(f, k);
    const n = Math.floor(k / 2);
    const signed = n % 2 === 0 ? f : neg(f);
    if (k % 2 === 0) COS_COEFFS.push(signed);
    else SIN_COEFFS.push(signed);
  }
}

/** How many series terms |x| needs for ~110 bits. */
function termsFor(x: number): number {
  const x2 = x * x;
  let term = Math.abs(x);
  for (let n = 1; n <= TERMS; n++) {
    term *= x2 / ((2 * n) * (2 * n + 1));
    if (term < 1e-34) return n;
  }
  return TERMS;
}

const SIN_HI = Float64Array.from(SIN_COEFFS, (c) => c.hi);
const SIN_LO = Float64Array.from(SIN_COEFFS, (c) => c.lo);
const COS_HI = Float64Array.from(COS_COEFFS, (c) => c.hi);
const COS_LO = Float64Array.from(COS_COEFFS, (c) => c.lo);

/**
 * The series of sin (odd) or cos (even) at x = xh + xl, |x| <= ~1.6: Horner's scheme in
 * double-double written out with plain numbers (this is the hot path of every distance; objects
 * per operation cost more than the arithmetic).
 */
function series(x: DD, odd: boolean): DD {
  const xh = x.hi;
  const xl = x.lo;
  const hiC = odd ? SIN_HI : COS_HI;
  const loC = odd ? SIN_LO : COS_LO;
  // x2 = x * x
  let p = xh * xh;
  let t = SPLITTER * xh;
  let ah = t - (t - xh);
  let al = xh - ah;
  let e = ah * ah - p + 2 * ah * al + al * al + 2 * xh * xl;
  const x2h = p + e;
  const x2l = e - (x2h - p);
  t = SPLITTER * x2h;
  const bh = t - (t - x2h);
  const bl = x2h - bh;
  const n = termsFor(xh);
  let rh = hiC[n];
  let rl = loC[n];
  for (let i = n - 1; i >= 0; i--) {
    // r = r * x2
    p = rh * x2h;
    t = SPLITTER * rh;
    ah = t - (t - rh);
    al = rh - ah;
    e = ah * bh - p + ah * bl + al * bh + al * bl + (rh * x2l + rl * x2h);
    let mh = p + e;
    let ml = e - (mh - p);
    // r = c[i] + r
    const ch = hiC[i];
    const cl = loC[i];
    const sh = ch + mh;
    const sb = sh - ch;
    const s1 = ch - (sh - sb) + (mh - sb);
    const th = cl + ml;
    const tb = th - cl;
    const t1 = cl - (th - tb) + (ml - tb);
    mh = sh + (s1 + th);
    ml = s1 + th - (mh - sh);
    rh = mh + (ml + t1);
    rl = ml + t1 - (rh - mh);
  }
  const r = { hi: rh, lo: rl };
  return odd ? mul(r, x) : r;
}

/** sin and cos of a double-double argument with |x| <= pi. */
function sinDD(x: DD): DD {
  if (Math.abs(x.hi) <= 1.6) return series(x, true);
  // sin(x) = sin(pi - x) (and odd).
  return x.hi > 0 ? series(add(PI, neg(x)), true) : neg(series(add(PI, x), true));
}

function cosDD(x: DD): DD {
  if (Math.abs(x.hi) <= 1.6) return series(x, false);
  // cos(x) = -cos(pi - |x|).
  const r = x.hi > 0 ? add(PI, neg(x)) : add(PI, x);
  return neg(series(r, false));
}

const LIMIT = 3.1;

export function sin(x: number): number {
  if (!(Math.abs(x) <= LIMIT) || x === 0) return Math.sin(x);
  const r = sinDD({ hi: x, lo: 0 });
  return r.hi + r.lo;
}

export function cos(x: number): number {
  if (!(Math.abs(x) <= LIMIT)) return Math.cos(x);
  const r = cosDD({ hi: x, lo: 0 });
  return r.hi + r.lo;
}

export function asin(y: number): number {
  if (!(Math.abs(y) < 1) || y === 0) return Math.asin(y);
  // Newton's method on sin from Math.asin's estimate (within an ulp): the residual sin(t) - y
  // needs the precise sin; the cosine only scales a correction of about an ulp, so Math's will
  // do. Near 1 the convergence slows (the cosine vanishes): a second step, with the precise one.
  let t: DD = { hi: Math.asin(y), lo: 0 };
  if (Math.abs(y) > 0.9) {
    const c = cosDD(t);
    t = add(t, { hi: -residual(t, y) / (c.hi + c.lo), lo: 0 });
  }
  t = add(t, { hi: -residual(t, y) / Math.cos(t.hi), lo: 0 });
  return t.hi + t.lo;
}

/** sin(t) - y, precisely. */
function residual(t: DD, y: number): number {
  const r = add(sinDD(t), { hi: -y, lo: 0 });
  return r.hi + r.lo;
}
