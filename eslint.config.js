// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * One no-restricted-imports block per top-level folder, naming the folders it must not import from.
 * @param {Record<string, string[]>} rules
 */
function boundaries(rules) {
  return Object.entries(rules).map(([files, folders]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: folders.map((folder) => ({
            regex: `^(\\.\\./)+${folder}/`,
            message: `${files.slice(0, -3)} must not import from ${folder}/ (see the boundaries in eslint.config.js).`,
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'client/dist/', 'training/output/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Deliberate in tests and in a few library seams (tfjs kernel registry).
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Boundaries: serving never loads training code, training stands alone, common imports neither,
  // the browser reaches the server only over the wire. Fixtures, dataset loaders and chart
  // primitives that tests, benches and training share live in test-support/, which imports none
  // of them either and which serving never loads. Relative imports only (nothing is aliased), so a path segment names the folder.
  ...boundaries({
    'server/**': ['training', 'client'],
    // Later blocks replace earlier options for the same rule: serving repeats server's list.
    'server/src/**': ['training', 'client', 'test-support'],
    'training/**': ['server', 'client'],
    'common/**': ['server', 'training', 'client', 'test-support'],
    'client/**': ['server', 'training'],
    'test-support/**': ['server', 'training', 'client'],
  }),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
