// ESLint flat config: typescript-eslint's recommended rules over src/, test/ and bench/.
// Pragmatic on purpose: rules that catch bugs stay errors; style is left to review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      // `_`-prefixed names are deliberately unused (interface-shaped callbacks, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tight loops over bytes use `for (;;)` and constant conditions on purpose.
      'no-constant-condition': ['error', { checkLoops: false }],
      // Control characters in regexes are how protocol text is matched.
      'no-control-regex': 'off',
      // const enums and declaration merging are used for zero-cost engine types and Buffer fast paths.
      '@typescript-eslint/no-namespace': 'off',
    },
  },
);
