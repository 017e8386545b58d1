/**
 * README's compatibility section is what the command table and its not-served list make of it
 * (src/commands/compatibility.ts), and the two lists never name one command twice. The check
 * against a live redis-server's COMMAND LIST is in test/e2e/command-metadata.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { compatibilityMarkdown, withCompatibilitySection } from '../../src/commands/compatibility.js';
import { COMMAND_TABLE } from '../../src/command-table/index.js';
import { NOT_SERVED } from '../../src/command-table/not-served.js';

test("README's compatibility section is up to date (npm run docs:compat)", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const updated = withCompatibilitySection(readme, compatibilityMarkdown());
  assert.ok(updated !== null, 'README.md has the compatibility markers');
  assert.ok(updated === readme, "README.md's compatibility section is stale: run `npm run docs:compat`");
});

test('no command is both served and listed as not served, nor listed twice', () => {
  const served = new Set(COMMAND_TABLE.flatMap((c) => [c, ...(c.subcommands ?? [])]).map((c) => c.name));
  const seen = new Set<string>();
  for (const { name } of NOT_SERVED) {
    assert.not.ok(served.has(name), `${name} is served`);
    assert.not.ok(seen.has(name), `${name} is listed twice`);
    seen.add(name);
  }
});

test.run();
