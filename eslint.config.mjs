// ESLint (typescript-eslint's recommended rules) for the service, its tests, tools and the client; `npm run lint`,
// part of `npm test`. Formatting is Prettier's (`.prettierrc.json`, `npm run format`); eslint-config-prettier turns off the
// rules that would fight it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      'client/src/schema.ts',
      'src/web/diary-client.generated.ts',
      'src/core/http/openapi/error-catalogue.generated.ts',
      'test/bench/results/**',
      'coverage/**',
      'client/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      // Nest's DI and decorators need classes with only a constructor, and empty classes for modules.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // CommonJS helpers (test/utils/ts-register.js) and lazy requires in tests are deliberate.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  // Input checks match NUL and other control characters on purpose.
  { files: ['src/core/http/input-guard.ts', 'src/modules/esia/crypto/test-keys.ts'], rules: { 'no-control-regex': 'off' } },
  // Tests read arbitrary JSON answers.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  prettier,
);
