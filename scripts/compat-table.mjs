#!/usr/bin/env node
// Writes README.md's compatibility section from the command table (src/commands/compatibility.ts).
// `npm run docs:compat` builds first; `--check` exits 1 instead of writing when README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { compatibilityMarkdown, withCompatibilitySection } from '../dist/src/commands/compatibility.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const updated = withCompatibilitySection(readme, compatibilityMarkdown());
if (updated === null) {
  process.stderr.write('README.md has no compatibility markers; add them where the section belongs.\n');
  process.exit(1);
}
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    process.stderr.write('README.md\'s compatibility section is stale: run `npm run docs:compat`.\n');
    process.exit(1);
  }
} else if (updated !== readme) {
  writeFileSync(path, updated);
  process.stdout.write('README.md: compatibility section updated\n');
}
