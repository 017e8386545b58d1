/**
 * The digest of a string value that Redis 8.4's DIGEST returns and SET/DELEX IFDEQ/IFDNE compare
 * against: the 64-bit XXH3 hash (no seed, default secret) written as exactly 16 lowercase hex
 * digits, leading zeros kept (Redis #14502: "00006c38adf31777", not "6c38adf31777").
 *
 * The hash itself comes from @node-rs/xxhash (the reference xxHash compiled natively), not from a
 * hand-written copy: a digest is only useful if it is bit for bit the one clients compute.
 */
import { createRequire } from 'node:module';
import type * as XxHash from '@node-rs/xxhash';

/** The length a digest argument must have; Redis checks nothing else about it. */
export const DIGEST_LENGTH = 16;

export const ERR_DIGEST_LENGTH = 'ERR must be exactly 16 hexadecimal characters';

let xxh3: typeof XxHash.xxh3 | null = null;

/**
 * The native module, loaded at the first digest rather than at startup. It carries its own
 * allocator (mimalloc), which by default commits its first arena eagerly and so maps a
 * transparent huge page into the process as it loads; LATENCY DOCTOR (like Redis) then advises
 * disabling THP. Lazy eager commit avoids that huge page, and mimalloc reads the option from the
 * environment when the library loads: hence the variable set just before, unless the operator
 * set it.
 */
function hasher(): typeof XxHash.xxh3 {
  if (xxh3 === null) {
    process.env.MIMALLOC_EAGER_COMMIT ??= '0';
    const loaded = createRequire(import.meta.url)('@node-rs/xxhash') as typeof XxHash;
    xxh3 = loaded.xxh3;
  }
  return xxh3;
}

/** The digest of `bytes` as DIGEST answers it. */
export function stringDigest(bytes: Uint8Array): string {
  return hasher().xxh64(bytes).toString(16).padStart(DIGEST_LENGTH, '0');
}

/**
 * Whether a client's digest argument names the digest of `bytes`. Redis compares the hex texts
 * with strcasecmp, so upper-case digits match and anything that is not hex simply never does.
 * The caller has checked the length (ERR_DIGEST_LENGTH).
 */
export function digestMatches(bytes: Uint8Array, digestArg: Buffer): boolean {
  return digestArg.toString('latin1').toLowerCase() === stringDigest(bytes);
}
