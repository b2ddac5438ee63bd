// In-process: one hook on one module instance (src/core/apply-hook.ts), and the Outcome it
// returns for the registry to count, report and accept: applied, declined (a trace that could
// not apply), threw, unusable (a bad range, a patch module that does not load) and skipped by
// version. Nothing here is counted or reported: the registry does that (test/unit/core-registry.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';

const { applyHook: module, targets, wrapPatches } = internals();
const { applyHook, notApplied, PatchFunctions } = module;

/** A hook record as the registry keeps one. */
function record(hook, { target = 'twin', baseDir = '/app', ...options } = {}) {
  return {
    id: 1,
    target: targets.parseTarget(target, baseDir),
    hook,
    options: { baseDir, origin: 'test', immediate: false, ...options },
    label: 'the patch',
    active: true,
  };
}

/** A module instance as the registry keeps one. */
function instance(exports, { format = 'commonjs', frozen = false, ...rest } = {}) {
  const version = 'version' in rest ? rest.version : '1.2.3';
  return {
    key: '/app/node_modules/twin/index.js',
    name: 'twin',
    format,
    filename: undefined,
    baseDir: undefined,
    version,
    module: undefined,
    exports,
    frozen,
    fired: new Set(),
    views: [],
  };
}

test('applied: the patch ran; the outcome holds what it returned, its time and the version shown', () => {
  const replacement = { replaced: true };
  const outcome = applyHook(
    record(() => replacement),
    instance({}),
    new PatchFunctions(),
  );
  assert.equal(outcome.status, 'applied');
  assert.equal(outcome.result, replacement);
  assert.equal(outcome.version, '1.2.3');
  assert.equal(typeof outcome.ms, 'number');
});

test('declined: a patch that returns notApplied(reason) ran but is not applied; a copy of the exports it made is still what replaces them', () => {
  assert.deepEqual(
    applyHook(
      record(() => notApplied('nothing to trace')),
      instance({}),
      new PatchFunctions(),
    ),
    {
      status: 'declined',
      version: '1.2.3',
      reason: 'nothing to trace',
      result: undefined,
    },
  );
  // A config patch at a CommonJS module's first load: a read-only export is wrapped in a copy.
  const exports = {};
  Object.defineProperty(exports, 'run', { value: () => 'ran', enumerable: true, writable: false, configurable: false });
  const patch = (target) => {
    wrapPatches.wrapFunctionWrapper(target, 'run', (wrapped) => `wrapped ${wrapped()}`);
    return notApplied('one of two functions could not be traced');
  };
  const outcome = applyHook(record(patch, { planned: true }), instance(exports), new PatchFunctions());
  assert.equal(outcome.status, 'declined');
  assert.notEqual(outcome.result, exports);
  assert.equal(outcome.result.run(), 'wrapped ran');
});

test('threw: the reason and a coded problem that names the patch, its target and the way to turn it off', () => {
  const outcome = applyHook(
    record(() => {
      throw new Error('boom');
    }),
    instance({}),
    new PatchFunctions(),
  );
  assert.equal(outcome.status, 'threw');
  assert.match(outcome.reason, /boom/);
  assert.equal(outcome.problem.code, 'WRAPT_HOOKS_PATCH_FAILED');
  assert.match(outcome.problem.message, /^patch the patch for "twin" \(test\) threw .*boom.*WRAPT_HOOKS_DISABLE=twin\.$/);
  assert.ok(outcome.problem.cause instanceof Error);
});

test('skipped by version: outside the range, or no version to check; a builtin is checked against Node', () => {
  const never = () => assert.fail('must not run');
  assert.deepEqual(applyHook(record(never, { versions: '^2' }), instance({}), new PatchFunctions()), {
    status: 'skipped',
    version: '1.2.3',
    reason: 'version 1.2.3 is outside "^2"',
  });
  assert.deepEqual(applyHook(record(never, { versions: '^2' }), instance({}, { version: undefined }), new PatchFunctions()), {
    status: 'skipped',
    version: undefined,
    reason: 'it has no version to check against "^2"',
  });
  const builtin = applyHook(
    record(never, { target: 'node:os', versions: '<1' }),
    instance({}, { format: 'builtin', version: undefined }),
    new PatchFunctions(),
  );
  assert.deepEqual(builtin, { status: 'skipped', version: process.versions.node, reason: `version ${process.versions.node} is outside "<1"` });
  assert.equal(
    applyHook(
      record(() => {}, { target: 'node:os', versions: '>=1' }),
      instance({}, { format: 'builtin', version: undefined }),
      new PatchFunctions(),
    ).status,
    'applied',
  );
});

test('unusable: a versions that is no semver range, or a lazy patch module that is not found; the patch never runs', () => {
  const bad = applyHook(
    record(() => assert.fail('must not run'), { versions: 'banana' }),
    instance({}),
    new PatchFunctions(),
  );
  assert.deepEqual(
    [bad.status, bad.version, bad.reason, bad.problem.code],
    ['unusable', '1.2.3', '"banana" is not a semver range', 'WRAPT_HOOKS_CONFIG_INVALID'],
  );
  assert.match(bad.problem.message, /^test: versions "banana" is not a semver range, so the patch was not applied to "twin"/);
  const dir = makeApp();
  const missing = applyHook(record('./patches/missing.js', { baseDir: dir }), instance({}), new PatchFunctions());
  assert.deepEqual([missing.status, missing.version, missing.problem.code], ['unusable', undefined, 'WRAPT_HOOKS_PATCH_NOT_FOUND']);
  assert.equal(missing.reason, missing.problem.message);
});

test('a lazy patch module loads once per directory and specifier; a frozen require(esm) namespace is copied before the patch runs', () => {
  const dir = makeApp({
    files: { 'patches/count.js': 'globalThis.wraptApplyHookLoads = (globalThis.wraptApplyHookLoads || 0) + 1; exports.patch = (m) => { m.seen = true; };' },
  });
  globalThis.wraptApplyHookLoads = 0;
  const patches = new PatchFunctions();
  const frozen = instance(Object.freeze({ a: 1 }), { frozen: true });
  assert.equal(applyHook(record('./patches/count.js#patch', { baseDir: dir }), frozen, patches).status, 'applied');
  assert.deepEqual([frozen.frozen, frozen.exports.a, frozen.exports.seen, Object.isFrozen(frozen.exports)], [false, 1, true, false]);
  applyHook(record('./patches/count.js#patch', { baseDir: dir }), instance({}), patches);
  assert.equal(globalThis.wraptApplyHookLoads, 1);
});
