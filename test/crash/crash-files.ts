/**
 * The data directory as the crash loop sees it: which tables the current manifest references,
 * which table files exist, and which temp files are lying around. A kill in the middle of a flush
 * or compaction leaves `.tmp` files or tables no manifest references; the next open must delete
 * them (Db.removeOrphans), and a running server must never depend on one.
 */
import fs from 'node:fs';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { readCurrentManifest } from '../../src/engine/manifest/manifest-file.js';
import { VersionSet } from '../../src/engine/manifest/version-set.js';
import { DEFAULTS } from '../../src/engine/options.js';

const TABLE_FILE = /^(\d{6,})\.sst$/;

export interface DirState {
  /** Every `*.tmp` file (unfinished tables, CURRENT.tmp). */
  readonly tempFiles: string[];
  /** Table files on disk that the current manifest does not reference. */
  readonly orphanTables: number[];
  /** Tables the manifest references that are not on disk (data loss). */
  readonly missingTables: number[];
  readonly liveTables: number;
}

export function inspectDataDir(dir: string): DirState {
  const names = fs.readdirSync(dir);
  const versions = new VersionSet(DEFAULTS.levels);
  const manifest = readCurrentManifest(new NodeEnv(), dir);
  if (manifest !== null) for (const edit of manifest.edits) versions.install(versions.build(edit));
  const live = new Set(versions.current.allFiles().map((f) => f.fileNumber));
  const onDisk = new Set<number>();
  const tempFiles: string[] = [];
  for (const name of names) {
    if (name.endsWith('.tmp')) tempFiles.push(name);
    const table = TABLE_FILE.exec(name);
    if (table !== null) onDisk.add(Number(table[1]));
  }
  return {
    tempFiles,
    orphanTables: [...onDisk].filter((n) => !live.has(n)),
    missingTables: [...live].filter((n) => !onDisk.has(n)),
    liveTables: live.size,
  };
}

export function describeDirState(state: DirState): string {
  return `temp files [${state.tempFiles.join(', ')}], unreferenced tables [${state.orphanTables.join(', ')}], ` +
    `missing tables [${state.missingTables.join(', ')}], ${state.liveTables} live tables`;
}
