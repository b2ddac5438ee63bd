// In-process: fail-open (§6, §8). A problem in the config, a patch package or a patch module
// gives exactly one coded problem naming it, and the valid rest of the config still applies (the
// `os` patch); in strict mode a patch problem throws WraptHooksError at the target's load, with
// the patch's own error as the cause. Through the preload's stages (stages.mjs); test/errors.test.mjs
// runs representatives in preloaded apps (their output and exit code unchanged).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';
import { runStages } from './stages.mjs';

const { errors } = internals();

// Records that the valid patch ran (on the real `os`: it changes nothing there).
const GOOD_PATCH = "module.exports = (os, info) => { (globalThis.wraptHooksGoodPatch ??= []).push(info.target + ' ' + typeof os.platform); };";

const FAIL_OPEN = [
  {
    title: 'unparsable JSON config',
    files: { '.wrapt-hooksrc.json': '{ "patches": { "twin": ' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/\.wrapt-hooksrc\.json/],
  },
  {
    title: 'unparsable YAML config',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  twin: [unclosed\n' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/\.wrapt-hooksrc\.yaml/],
  },
  {
    title: 'a JavaScript config that throws',
    files: { 'wrapt-hooks.config.js': "throw new Error('config boom');" },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/wrapt-hooks\.config\.js/, /config boom/],
  },
  {
    title: 'a config that is not an object',
    files: { '.wrapt-hooksrc.json': '["twin"]' },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/],
  },
  {
    title: 'an unknown top-level key (the rest of the config still applies)',
    files: { '.wrapt-hooksrc.json': { patchez: {}, patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    message: [/\.wrapt-hooksrc\.json/, /patchez/],
    applied: true,
  },
  {
    title: 'a patch entry of the wrong type',
    files: { '.wrapt-hooksrc.json': { patches: { twin: 42, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin/],
    applied: true,
  },
  {
    title: 'an unknown key in a patch entry',
    files: { '.wrapt-hooksrc.json': { patches: { twin: { patch: './patches/good.js', version: '1' }, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin\.version/],
    applied: true,
    // The entry itself still applies with its known keys (CONTRACT §3).
    alsoApplied: ['twin undefined'],
  },
  {
    title: 'a versions value that is not a semver range',
    files: { '.wrapt-hooksrc.json': { patches: { twin: { patch: './patches/good.js', versions: 'banana' }, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin\.versions/, /banana/],
    applied: true,
  },
  {
    title: 'a target that can never match',
    files: { '.wrapt-hooksrc.json': { patches: { 'node:nope': './patches/good.js', os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /node:nope/],
    applied: true,
  },
  {
    title: 'strict that is not a boolean',
    files: { '.wrapt-hooksrc.json': { strict: 'yes', patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /strict/],
    applied: true,
  },
  {
    title: 'WRAPT_HOOKS_CONFIG naming a missing file',
    env: { WRAPT_HOOKS_CONFIG: 'conf/missing.json' },
    code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND',
    message: [/conf[/\\]missing\.json/, /WRAPT_HOOKS_CONFIG/],
  },
  {
    title: 'a patch package that is not installed',
    files: { '.wrapt-hooksrc.json': { packages: ['not-installed-patches'], patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
    message: [/not-installed-patches/],
    applied: true,
  },
  {
    title: 'a missing patch module',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/nope.js', os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    message: [/\.\/patches\/nope\.js/, /"twin"/, /\.wrapt-hooksrc\.json/],
    applied: true,
  },
  {
    title: 'a missing export',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#nope', os: './patches/good.js' } }, 'patches/p.js': 'exports.yes = () => {};' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    message: [/patches[/\\]p\.js/, /"nope"/, /"twin"/, /yes/],
    applied: true,
  },
  {
    title: 'a named export asked of a patch module whose module.exports is a function',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#apply', os: './patches/good.js' } },
      'patches/p.js': 'module.exports = function patchTwin() {};',
    },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    message: [/patches[/\\]p\.js/, /"apply"/, /module\.exports is function patchTwin/],
    applied: true,
  },
  {
    title: 'a patch module that throws while loading',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js', os: './patches/good.js' } }, 'patches/p.js': "throw new Error('load boom');" },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    message: [/patches[/\\]p\.js/, /load boom/, /"twin"/],
    applied: true,
  },
  {
    title: 'an ESM patch module with top-level await',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.mjs', os: './patches/good.js' } },
      'patches/p.mjs': 'await null;\nexport default () => {};\n',
    },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    message: [/patches[/\\]p\.mjs/, /top-level await/],
    applied: true,
  },
  {
    title: 'a patch that throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js': "exports.broken = function broken(twin) { twin.half = true; throw new Error('patch boom'); };",
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /patch boom/, /p\.js#broken/],
    applied: true,
  },
];

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
