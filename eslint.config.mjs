// ESLint over the TypeScript sources, the build and bench scripts and the tests.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/node_modules/**', 'bench/.work/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    languageOptions: { globals: globals.node },
    plugins: { 'wrapt-hooks': layers },
    rules: {
      'wrapt-hooks/layers': 'error',
      // Lazy `require()` is how the preload stays cheap: a module is evaluated on first use.
      '@typescript-eslint/no-require-imports': 'off',
      // The exports of an arbitrary module (what a patch receives) have no static type.
      '@typescript-eslint/no-explicit-any': 'off',
      // Wrappers and the module hooks forward `this` and `arguments` as they came: a rest
      // parameter allocates an array on every call of a hot function, and a wrapper needs the
      // receiver of the call it wraps.
      'prefer-rest-params': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // In the bundle, `import * as fs from 'node:fs'` (or a default import) becomes a copy of
      // every export of the builtin, made when the module is first evaluated: at start-up for most.
      // `import fs = require('node:fs')` and named imports use Node's object as it is.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^node:/] > :matches(ImportNamespaceSpecifier, ImportDefaultSpecifier)',
          message: "Use `import x = require('node:…')` or named imports: the bundle copies a builtin's exports for a namespace or default import.",
        },
      ],
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none', varsIgnorePattern: '^_' }],
      // Wrapper prototypes and fixtures forward `this` as the code under test does.
      '@typescript-eslint/no-this-alias': 'off',
      // ANSI escapes are matched on purpose (colour in CLI output).
      'no-control-regex': 'off',
    },
  },
  // Type tests state expressions whose types are checked by tsc.
  { files: ['test/types/**'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
  { files: ['**/*.cjs', 'register.js', 'bin/**/*.js', 'examples/**/*.js', 'test/fixtures/**/*.js'], languageOptions: { sourceType: 'commonjs' } },
);
