/**
 * Secrets in commands: what MONITOR and SLOWLOG show instead of a password. Redis 7.0 replaces
 * AUTH's arguments, HELLO's AUTH username and password, MIGRATE's AUTH/AUTH2 credentials, the
 * value of a sensitive CONFIG SET parameter (requirepass) with "(redacted)", and everything ACL SETUSER is given; we do the same, and also for AUTH forms Redis would
 * reject as a syntax error, since a password typed there is no less secret.
 */
import { isSensitiveDirective } from '../config/config.js';
import type { Redaction } from '../command-table/schema.js';

const REDACTED = Buffer.from('(redacted)', 'latin1');

function isWord(arg: Buffer, lower: string): boolean {
  return arg.length === lower.length && arg.toString('latin1').toLowerCase() === lower;
}

/**
 * argv as it may be shown to other clients: the original array when it holds no secret (the common
 * case allocates nothing), else a copy with each secret replaced. `rule` is the command's table
 * entry's `redact` (null for most commands), so a renamed AUTH is still recognised.
 */
export function redactSecrets(rule: Redaction | null, argv: readonly Buffer[]): readonly Buffer[] {
  if (rule === null) return argv;
  switch (rule) {
    case 'all-args': {
      const shown = argv.slice();
      for (let i = 1; i < shown.length; i++) shown[i] = REDACTED;
      return shown;
    }
    case 'after-subcommand': {
      const shown = argv.slice();
      for (let i = 2; i < shown.length; i++) shown[i] = REDACTED;
      return shown;
    }
    case 'after-auth': {
      // HELLO [protover [AUTH username password] [SETNAME clientname]]. The two words after any
      // AUTH are hidden, even in a malformed HELLO (no protover, options out of order) that
      // Redis would echo as is: a mistyped handshake still carries a real password.
      let shown: Buffer[] | null = null;
      for (let i = 1; i + 1 < argv.length; i++) {
        if (!isWord(argv[i], 'auth')) continue;
        shown ??= argv.slice();
        shown[i + 1] = REDACTED;
        if (i + 2 < argv.length) shown[i + 2] = REDACTED;
        i += 2;
      }
      return shown ?? argv;
    }
    case 'migrate-auth': {
      // MIGRATE host port key db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS ...], as migrateCommand reads it.
      let shown: Buffer[] | null = null;
      for (let i = 6; i < argv.length; i++) {
        if (isWord(argv[i], 'keys')) break;
        const words = isWord(argv[i], 'auth') ? 1 : isWord(argv[i], 'auth2') ? 2 : 0;
        if (words === 0 || i + words >= argv.length) continue;
        shown ??= argv.slice();
        for (let k = 1; k <= words; k++) shown[i + k] = REDACTED;
        i += words;
      }
      return shown ?? argv;
    }
    case 'sensitive-config': {
      let shown: Buffer[] | null = null;
      for (let i = 2; i + 1 < argv.length; i += 2) {
        if (!isSensitiveDirective(argv[i].toString('latin1'))) continue;
        shown ??= argv.slice();
        shown[i + 1] = REDACTED;
      }
      return shown ?? argv;
    }
  }
}
