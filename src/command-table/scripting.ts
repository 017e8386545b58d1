/**
 * Lua scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT (src/commands/scripting.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef, KeySpec } from './schema.js';

const EVAL_KEYS: readonly KeySpec[] = [{
  notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE',
  flags: ['RW', 'access', 'update'],
  begin: { index: 2 },
  find: { keyNumIndex: 0, firstKey: 1, step: 1 },
}];
const EVALSHA_KEYS: readonly KeySpec[] = [{ flags: ['RW', 'access', 'update'], begin: { index: 2 }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }];
const EVAL_RO_KEYS: readonly KeySpec[] = [{
  notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS',
  flags: ['RO', 'access'],
  begin: { index: 2 },
  find: { keyNumIndex: 0, firstKey: 1, step: 1 },
}];
const EVALSHA_RO_KEYS: readonly KeySpec[] = [{ flags: ['RO', 'access'], begin: { index: 2 }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }];
const COMPLEXITY = 'Depends on the script that is executed.';

export const SCRIPTING_COMMANDS: readonly CommandDef[] = [
  {
    name: 'eval',
    arity: -3,
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'],
    runsScript: true,
    mayReplicate: true,
    group: 'scripting',
    summary: 'Execute a Lua script server side',
    since: '2.6.0',
    complexity: COMPLEXITY,
    keySpecs: EVAL_KEYS,
    args: 'script numkeys:integer [key ...] [arg ...]',
  },
  {
    name: 'evalsha',
    arity: -3,
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'],
    runsScript: true,
    mayReplicate: true,
    group: 'scripting',
    summary: 'Execute a Lua script server side',
    since: '2.6.0',
    complexity: COMPLEXITY,
    keySpecs: EVALSHA_KEYS,
    args: 'sha1 numkeys:integer [key ...] [arg ...]',
  },
  {
    name: 'eval_ro',
    arity: -3,
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'],
    runsScript: true,
    group: 'scripting',
    summary: 'Execute a read-only Lua script server side',
    since: '7.0.0',
    complexity: COMPLEXITY,
    keySpecs: EVAL_RO_KEYS,
    args: 'script numkeys:integer [key ...] [arg ...]',
  },
  {
    name: 'evalsha_ro',
    arity: -3,
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'],
    runsScript: true,
    group: 'scripting',
    summary: 'Execute a read-only Lua script server side',
    since: '7.0.0',
    complexity: COMPLEXITY,
    keySpecs: EVALSHA_RO_KEYS,
    args: 'sha1 numkeys:integer [key ...] [arg ...]',
  },
  {
    name: 'script',
    arity: -2,
    flags: [],
    group: 'scripting',
    summary: 'A container for Lua scripts management commands',
    since: '2.6.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'script|debug',
        arity: 3,
        flags: ['noscript'],
        group: 'scripting',
        summary: 'Set the debug mode for executed scripts.',
        since: '3.2.0',
        complexity: 'O(1)',
        args: '(YES | SYNC | NO)@mode',
      },
      {
        name: 'script|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'scripting',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
      },
      {
        name: 'script|exists',
        arity: -3,
        flags: ['noscript'],
        group: 'scripting',
        summary: 'Check existence of scripts in the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        args: 'sha1 ...',
      },
      {
        name: 'script|flush',
        arity: -2,
        flags: ['noscript'],
        group: 'scripting',
        summary: 'Remove all the scripts from the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts in cache',
        history: [
          ['6.2.0', 'Added the `ASYNC` and `SYNC` flushing mode modifiers.'],
        ],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: '[ASYNC | SYNC]@async^6.2.0',
      },
      {
        name: 'script|kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        group: 'scripting',
        summary: 'Kill the script currently in execution.',
        since: '2.6.0',
        complexity: 'O(1)',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      },
      {
        name: 'script|load',
        arity: 3,
        flags: ['noscript', 'stale'],
        group: 'scripting',
        summary: 'Load the specified Lua script into the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: 'script',
      },
    ],
  },
];
