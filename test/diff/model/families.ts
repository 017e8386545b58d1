/**
 * Every family the model-based tester runs (types.ts says how to write one). One line each.
 */
import { conditionalWrites } from './conditional-writes.js';
import { hashFieldExpiry } from './hash-field-expiry.js';
import type { ModelFamily } from './types.js';

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  conditionalWrites,
  hashFieldExpiry,
];
