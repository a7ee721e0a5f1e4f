// ESLint (flat config): typescript-eslint's recommended rules over the TypeScript sources, tests,
// benchmarks and examples. Formatting is Prettier's job (.prettierrc.json), layering is
// dependency-cruiser's (.dependency-cruiser.cjs); this file is about code that is likely wrong.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', '.bench-out/', 'node_modules/', 'src/fhir/r4/*.generated.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
    },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter kept for its position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Type-only imports stay type-only, so importing `chartlog` never loads a driver by accident.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // STYLE.md point 11: a line read without scrolling. Prettier wraps code at 110 but leaves strings,
    // templates and comments whole, so this catches what it cannot: only a URL (which cannot be broken) may pass.
    files: ['src/**/*.ts'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
);
