/**
 * The digest of a string value that Redis 8.4's DIGEST returns and SET/DELEX IFDEQ/IFDNE compare
 * against: the 64-bit XXH3 hash (no seed, default secret) written as exactly 16 lowercase hex
 * digits, leading zeros kept (Redis #14502: "00006c38adf31777", not "6c38adf31777").
 *
 * The hash itself comes from @node-rs/xxhash (the reference xxHash compiled natively), not from a
 * hand-written copy: a digest is only useful if it is bit for bit the one clients compute.
 */
import { xxh3 } from '@node-rs/xxhash';

/** The length a digest argument must have; Redis checks nothing else about it. */
export const DIGEST_LENGTH = 16;

export const ERR_DIGEST_LENGTH = 'ERR must be exactly 16 hexadecimal characters';

/** The digest of `bytes` as DIGEST answers it. */
export function stringDigest(bytes: Uint8Array): string {
  return xxh3.xxh64(bytes).toString(16).padStart(DIGEST_LENGTH, '0');
}

/**
 * Whether a client's digest argument names the digest of `bytes`. Redis compares the hex texts
 * with strcasecmp, so upper-case digits match and anything that is not hex simply never does.
 * The caller has checked the length (ERR_DIGEST_LENGTH).
 */
export function digestMatches(bytes: Uint8Array, digestArg: Buffer): boolean {
  return digestArg.toString('latin1').toLowerCase() === stringDigest(bytes);
}
