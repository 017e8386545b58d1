/** MIGRATE's credentials hidden from MONITOR and SLOWLOG: AUTH's password, AUTH2's username and password, nothing after KEYS. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redactSecrets } from '../../src/server/redaction.js';

const shown = (...args: string[]): string[] => redactSecrets('migrate-auth', args.map((a) => Buffer.from(a))).map((b) => b.toString());

test('MIGRATE: AUTH and AUTH2 credentials are redacted, keys are not', () => {
  assert.equal(shown('MIGRATE', 'h', '1', 'k', '0', '5'), ['MIGRATE', 'h', '1', 'k', '0', '5']);
  assert.equal(shown('MIGRATE', 'h', '1', 'k', '0', '5', 'COPY', 'AUTH', 'secret'), ['MIGRATE', 'h', '1', 'k', '0', '5', 'COPY', 'AUTH', '(redacted)']);
  assert.equal(shown('MIGRATE', 'h', '1', '', '0', '5', 'auth2', 'user', 'pw', 'KEYS', 'auth', 'x'), ['MIGRATE', 'h', '1', '', '0', '5', 'auth2', '(redacted)', '(redacted)', 'KEYS', 'auth', 'x']);
  // The key argument named "auth" is not an option.
  assert.equal(shown('MIGRATE', 'h', '1', 'auth', '0', '5'), ['MIGRATE', 'h', '1', 'auth', '0', '5']);
});

test.run();
