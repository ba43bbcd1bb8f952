// Lint: a few type-aware rules for what the compiler does not check and CONTRIBUTING
// asks for (`import type` for types, no default exports, no promise left unhandled).
// Formatting is Prettier's job (`npm run format`), not the linter's.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test-results/**', 'bench/.data/**', 'bench/results/**', '.vscode-test/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // node:test's describe/it return promises the runner itself awaits
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use a named export (CONTRIBUTING: no default exports).' }, { selector: "ExportSpecifier[exported.name='default']", message: 'Use a named export (CONTRIBUTING: no default exports).' }],
    },
  },
);
