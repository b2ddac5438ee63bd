// A package built by the real tsup (from the npm registry) to CommonJS, as many packages on npm
// are: esbuild's `__export` defines each export as a non-configurable getter, so nothing can
// replace it in place. At the package's first load its exports are replaced by a copy holding the
// wrapper (docs/patches-and-api.md, "Where a wrapper goes"): a trace prints its line and leaves
// the result as it was, and a config patch applies, for `require` and for `import` alike.
// (zod's read-only CommonJS export is live-wrappers.test.mjs's.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lines, makeApp, runCommand, writeFiles } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';
import { TOOL_CACHE, installed } from './tools.mjs';

const NODES = configuredNodes();
const TSUP = { tsup: '8.5.0', typescript: '5.9.3' };

const SOURCE = `export function greet(name: string): string {
  return \`hello \${name}\`;
}
export const VERSION: string = '1.2.3';
export class Greeter {
  constructor(private readonly who: string) {}
  hi(): string {
    return greet(this.who);
  }
}
`;
const APP_CJS = `const m = require('tsup-greeter');
console.log(m.greet('ada'), m.VERSION, new m.Greeter('bob').hi(), require('wrapt-hooks').isWrapped(m.greet), require('tsup-greeter') === m);
`;
const APP_ESM = `import { greet, VERSION, Greeter } from 'tsup-greeter';
import { isWrapped } from 'wrapt-hooks';
console.log(greet('ada'), VERSION, new Greeter('bob').hi(), isWrapped(greet));
`;
const COPIED = /"greet" cannot be replaced in place \(a non-configurable getter\); the module's exports are replaced by a copy holding the wrapper/;

let work;
let built;
let traced;
let patched;
before(() => {
  const tools = installed(path.join(TOOL_CACHE, 'tsup'), TSUP);
  work = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-tsup-'));
  const pkg = path.join(work, 'tsup-greeter');
  writeFiles(pkg, {
    'package.json': { name: 'tsup-greeter', version: '1.2.3', main: './dist/index.js' },
    'src/index.ts': SOURCE,
  });
  // What the package's own build runs: `tsup src/index.ts --format cjs`.
  execFileSync(process.execPath, [path.join(tools, 'node_modules', 'tsup', 'dist', 'cli-default.js'), 'src/index.ts', '--format', 'cjs'], {
    cwd: pkg,
    stdio: 'pipe',
  });
  built = {
    'package.json': readFileSync(path.join(pkg, 'package.json'), 'utf8'),
    'dist/index.js': readFileSync(path.join(pkg, 'dist', 'index.js'), 'utf8'),
  };
  const files = { 'app.cjs': APP_CJS, 'app.mjs': APP_ESM };
  traced = makeApp({ packages: { 'tsup-greeter': built }, files });
  patched = makeApp({
    packages: { 'tsup-greeter': built },
    files: {
      ...files,
      '.wrapt-hooksrc.json': { patches: { 'tsup-greeter': './patch.js' } },
      'patch.js': `const { wrapFunctionWrapper } = require('wrapt-hooks');
module.exports = (exports) => { wrapFunctionWrapper(exports, 'greet', (wrapped, _this, args) => '<' + wrapped(...args) + '>'); };
`,
    },
  });
});
after(() => {
  if (!process.env.WRAPT_TEST_KEEP) rmSync(work, { recursive: true, force: true });
});

test("tsup's CommonJS output defines the exports as non-configurable getters (what the tests below are about)", () => {
  assert.match(built['dist/index.js'], /__export\(\w+, \{/);
  const descriptor = execFileSync(
    process.execPath,
    ['-p', `const d = Object.getOwnPropertyDescriptor(require('tsup-greeter'), 'greet'); typeof d.get + ' ' + d.configurable`],
    {
      cwd: traced,
      encoding: 'utf8',
    },
  );
  assert.equal(descriptor.trim(), 'function false');
});

for (const [major, node] of NODES) {
  test(`Node ${major}: WRAPT_TRACE=tsup-greeter#greet traces it (result unchanged) and a config patch applies, through require and import`, () => {
    for (const app of ['app.cjs', 'app.mjs']) {
      const trace = runCommand(traced, node, ['--require', 'wrapt-hooks/register', app], {
        env: { WRAPT_TRACE: 'tsup-greeter#greet', WRAPT_HOOKS_DEBUG: '1' },
      });
      assert.equal(trace.code, 0, `${app}: ${trace.stderr}`);
      assert.deepEqual(trace.warnings, [], `${app}: ${trace.stderr}`);
      assert.deepEqual(lines(trace.stdout), [app === 'app.cjs' ? 'hello ada 1.2.3 hello bob true true' : 'hello ada 1.2.3 hello bob true'], app);
      assert.match(trace.stderr, /^wrapt-hooks: trace tsup-greeter#greet\('ada'\) -> 'hello ada' /m, `${app}: ${trace.stderr}`);
      assert.match(trace.stderr, COPIED, `${app}: ${trace.stderr}`);

      const patch = runCommand(patched, node, ['--require', 'wrapt-hooks/register', app]);
      assert.equal(patch.code, 0, `${app}: ${patch.stderr}`);
      assert.deepEqual(patch.warnings, [], `${app}: ${patch.stderr}`);
      assert.deepEqual(lines(patch.stdout), [app === 'app.cjs' ? '<hello ada> 1.2.3 hello bob true true' : '<hello ada> 1.2.3 hello bob true'], app);
    }
  });
}
