// In-process: fail-open (docs/config.md, docs/troubleshooting.md). A problem in the config, a patch package or a patch module
// gives exactly one coded problem naming it, and the valid rest of the config still applies (the
// `os` patch); in strict mode a patch problem throws WraptHooksError at the target's load, with
// the patch's own error as the cause. Through the preload's stages (stages.mjs); test/fail-open-and-strict.test.mjs
// runs representatives in preloaded apps (their output and exit code unchanged).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAIL_OPEN } from '../fail-open-corpus.mjs';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';
import { runStages } from './stages.mjs';

const { errors } = internals();

// Records that the valid patch ran (on the real `os`: it changes nothing there).
const GOOD_PATCH = "module.exports = (os, info) => { (globalThis.wraptHooksGoodPatch ??= []).push(info.target + ' ' + typeof os.platform); };";

for (const scenario of FAIL_OPEN) {
  test(`fail-open: ${scenario.title} gives one ${scenario.code} problem; the valid patches still apply`, async () => {
    const dir = makeApp({ packages: ['twin'], files: { 'patches/good.js': GOOD_PATCH, ...scenario.files } });
    globalThis.wraptHooksGoodPatch = [];
    const { problems, thrown, loaded } = await runStages(dir, scenario.env ?? {}, { load: ['twin', 'os'] });
    assert.equal(thrown, undefined);
    assert.equal(loaded.twin.hello('app'), 'twin 1 says hello to app', 'twin loads (unpatched, or as far as the patch got)');
    assert.equal(problems.length, 1, `exactly one problem: ${JSON.stringify(problems, null, 2)}`);
    const [problem] = problems;
    assert.equal(problem.code, scenario.code, problem.message);
    for (const pattern of scenario.message) assert.match(problem.message, pattern);
    assert.deepEqual(globalThis.wraptHooksGoodPatch, scenario.applied ? [...(scenario.alsoApplied ?? []), 'os function'] : [], 'the valid patches still apply');
  });
}

for (const [how, config, env] of [
  ['"strict": true', { strict: true }, {}],
  ['WRAPT_HOOKS_STRICT=1', {}, { WRAPT_HOOKS_STRICT: '1' }],
]) {
  test(`strict mode (${how}): patch problems throw WraptHooksError at the target's load`, async () => {
    const cases = [
      ['./patches/p.js#nope', 'WRAPT_HOOKS_PATCH_EXPORT', undefined],
      ['./patches/p.js#broken', 'WRAPT_HOOKS_PATCH_FAILED', 'patch boom'],
      ['./patches/missing.js', 'WRAPT_HOOKS_PATCH_NOT_FOUND', /Cannot find module/],
    ];
    for (const [spec, code, cause] of cases) {
      const dir = makeApp({
        packages: ['twin'],
        files: {
          'patches/p.js': "exports.broken = () => { throw new Error('patch boom'); };",
          '.wrapt-hooksrc.json': { ...config, patches: { twin: spec } },
        },
      });
      const { plan, thrown, problems } = await runStages(dir, env, { target: 'twin' });
      assert.equal(plan.strict, true);
      assert.ok(thrown instanceof errors.WraptHooksError, `${spec}: ${thrown}`);
      assert.equal(thrown.name, 'WraptHooksError');
      assert.equal(thrown.code, code, spec);
      if (cause === undefined) assert.equal(thrown.cause, undefined, spec);
      else assert.match(thrown.cause.message.split('\n')[0], typeof cause === 'string' ? new RegExp(cause) : cause, spec);
      assert.deepEqual(problems, [], 'strict mode throws instead of warning');
    }
  });
}
