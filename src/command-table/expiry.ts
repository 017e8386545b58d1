/**
 * Expire times (src/commands/expiry.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef } from './schema.js';

export const EXPIRY_COMMANDS: readonly CommandDef[] = [
  {
    name: 'expire',
    arity: -3,
    flags: ['write', 'fast'],
    group: 'generic',
    summary: 'Set a key\'s time to live in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.'],
    ],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key seconds:integer [NX | XX | GT | LT]@condition^7.0.0',
  },
  {
    name: 'pexpire',
    arity: -3,
    flags: ['write', 'fast'],
    group: 'generic',
    summary: 'Set a key\'s time to live in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [
      ['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.'],
    ],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key milliseconds:integer [NX | XX | GT | LT]@condition^7.0.0',
  },
  {
    name: 'expireat',
    arity: -3,
    flags: ['write', 'fast'],
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    since: '1.2.0',
    complexity: 'O(1)',
    history: [
      ['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.'],
    ],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key unix-time-seconds:unix-time [NX | XX | GT | LT]@condition^7.0.0',
  },
  {
    name: 'pexpireat',
    arity: -3,
    flags: ['write', 'fast'],
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [
      ['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.'],
    ],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key unix-time-milliseconds:unix-time [NX | XX | GT | LT]@condition^7.0.0',
  },
  {
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'generic',
    summary: 'Get the time to live for a key in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['2.8.0', 'Added the -2 reply.'],
    ],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
  {
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'generic',
    summary: 'Get the time to live for a key in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [
      ['2.8.0', 'Added the -2 reply.'],
    ],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
  {
    name: 'expiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key',
    since: '7.0.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
  {
    name: 'pexpiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    since: '7.0.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    group: 'generic',
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
];
