// Type tests (STYLE.md 13): test/types/*.ts use the public API and a config file through the
// package's own name, against the built declarations (dist/*.d.ts, as published), and mark what
// must not compile with @ts-expect-error. tsc fails on a type error and on a directive that no
// longer finds one, so the declarations can drift neither way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT, path } from './helpers.mjs';

const require = createRequire(import.meta.url);

test('the public types accept documented use and reject misuse (tsc -p test/types)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'test', 'types', 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});
