// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Query building is SQL: it lives only in queries files, the job queue's and the database adapter. */
const QUERY_BUILDING = {
  selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|selectNoFrom|executeQuery)$/]',
  message: "SQL lives only in a module's queries.ts or *-queries.ts (see docs/architecture.md).",
};

/** Import patterns a layer may not use, with the reason shown when it does. */
const outward = (...layers) =>
  layers.map((layer) => ({
    group: [`**/${layer}/*`, `**/${layer}/**`],
    message: `Dependencies point inward: this layer may not import ${layer}/ (docs/architecture.md).`,
  }));
const compositionRoot = {
  group: ['**/main.js', '**/cli.js', '../context.js', '../../context.js', '../../../context.js'],
  message: 'Only the composition root knows everything (docs/architecture.md).',
};

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'reports/', '.bench/', 'node_modules/', 'coverage/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers and booleans in template literals are fine: they are how messages and SQL-free keys are built.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A method implementing an async port may finish at once (an in-memory store): \`async\` states the contract.
      '@typescript-eslint/require-await': 'off',
      // \`() => void send()\` in a callback says "the result is not used" on purpose.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...outward('adapters', 'web', 'jobs', 'config', 'bench', 'cli'), compositionRoot] }],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...outward('web', 'jobs', 'bench', 'cli'), compositionRoot] }] },
  },
  {
    files: ['src/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'kysely', message: 'The web layer reaches data only through domain services.' }],
          patterns: [...outward('adapters', 'jobs', 'bench', 'cli')],
        },
      ],
    },
  },
  {
    files: ['src/jobs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...outward('web', 'bench', 'cli')] }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/queries.ts', 'src/**/*-queries.ts', 'src/jobs/queries.ts', 'src/adapters/db/**', 'src/**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', QUERY_BUILDING] },
  },
  {
    // Index walks over token arrays and fixed demo tables, and the benchmark's reads of /proc: every index
    // is inside a bound the loop or the table proves, where `!` says so more plainly than a dead branch.
    files: ['src/domain/content/render.ts', 'src/domain/time/zoned.ts', 'src/domain/content/demo/**/*.ts', 'src/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Tests read JSON bodies (typed any) and assert that things exist by failing when they don't: these
    // checks, right for the product code, would only add casts to tests without catching anything.
    files: ['test/**/*.ts', 'src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      // `afterAll(() => app?.close())`: the type says set, but a failed `beforeAll` leaves it unset.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Tests strip variables from a copied environment, and hand methods of fakes around as plain functions.
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', URL: 'readonly', console: 'readonly' },
    },
  },
);
