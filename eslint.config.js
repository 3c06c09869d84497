// One lint setup for the whole repository (typescript-eslint, flat config). Formatting is left to the
// editor's TypeScript formatter; lint catches bugs: floating promises, unused code, unsafe patterns.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist.next-*/', 'dist.old-*/', 'data/', 'coverage/', 'src/infra/database/generated/', 'test-artifacts/', 'test/architecture/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Scripts, benches and the CLI talk to a terminal.
    files: ['bench/**', 'scripts/**', 'src/cli/**', 'bin/**', 'adapters/teams/package-app.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
