/** Truncated or malformed RDB data: what every reader in src/rdb throws (RESTORE answers "Bad data format"). */
export class RdbError extends Error {
  constructor(why = 'truncated or malformed RDB data') {
    super(why);
  }
}
