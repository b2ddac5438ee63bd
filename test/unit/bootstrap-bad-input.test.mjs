// In-process: the whole bad-input corpus (test/bad-input-corpus.mjs) through the stages the
// preload runs, in its order: the plan (config file and environment), then the patch packages it
// lists, then the patch modules when the target loads (the registry fed the load event the
// CommonJS hook would give it). Each case yields exactly one problem with its WRAPT_HOOKS_ code,
// naming the file and key (or target, specifier), and saying what to fix; strict mode throws the
// same. No case may pollute the prototypes. test/bad-input.test.mjs runs representatives of each
// stage as users do (the app's output and exit code unchanged, both flags, strict mode).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { APP, CASES, IS_ROOT, MARKER, NOBODY, PLANTED, RC, UNREAD, VISIBLE_PATCH, expand, json, setupCase } from '../bad-input-corpus.mjs';
import { makeApp, writeFiles } from '../helpers.mjs';
import { internals } from './internals.mjs';
import { runStages } from './stages.mjs';

const { plan: planModule, errors } = internals();

/** What the prototypes look like; a case must leave them as they were. */
function prototypes() {
  return {
    polluted: [{}.polluted, Object.prototype.polluted],
    object: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
    array: Object.getOwnPropertyNames(Array.prototype).length,
    fn: Object.getOwnPropertyNames(Function.prototype).length,
  };
}
const PRISTINE = prototypes();

test('the corpus has at least 30 cases, each with a distinct name', () => {
  assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
});

describe('bad input: one coded problem naming where, strict mode explains', () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const dir = setupCase(testCase);
      const env = testCase.env ?? {};
      const names = testCase.names.map((name) => expand(name, dir));

      const { problems, thrown, plan } = await runStages(dir, env);
      // A trace entry with a bad option or an unknown key still applies (docs/config.md, docs/tracing.md).
      if (testCase.stillTraced)
        assert.deepEqual(
          plan.trace.map((trace) => trace.spec),
          ['victim#hello'],
          'the entry still applies',
        );
      assert.equal(thrown, undefined, `fail-open: nothing is thrown; ${thrown}`);
      assert.equal(problems.length, 1, `exactly one problem expected: ${JSON.stringify(problems, null, 2)}`);
      const [problem] = problems;
      assert.equal(problem.code, testCase.code, problem.message);
      for (const name of names) assert.ok(problem.message.includes(name), `the problem should name ${name}: ${problem.message}`);
      assert.match(problem.message, testCase.fix, 'the message says what to fix');

      // Strict mode: a config or package problem stops the start (the plan says strict); a
      // patch problem throws WraptHooksError at the target's load.
      const strict = await runStages(dir, { ...env, WRAPT_HOOKS_STRICT: '1' }, { strict: true });
      assert.equal(strict.plan.strict, true);
      const planProblems = strict.problems.filter((item) => item.code === testCase.code);
      if (strict.thrown === undefined) {
        assert.equal(planProblems.length, 1, `strict: the start fails on ${testCase.code}`);
        assert.equal(planProblems[0].message, problem.message);
      } else {
        assert.ok(strict.thrown instanceof errors.WraptHooksError, String(strict.thrown));
        assert.equal(strict.thrown.code, testCase.code);
        assert.equal(strict.thrown.message, problem.message);
        assert.deepEqual(strict.problems, [], 'strict mode throws instead of warning');
      }
      assert.deepEqual(prototypes(), PRISTINE, 'no prototype pollution');
    });
  }
});

describe('planted files are refused', () => {
  for (const testCase of PLANTED) {
    const skip = testCase.how === 'chown' && !IS_ROOT ? 'chown needs root (CI runs as root)' : false;
    it(testCase.name, { skip }, async () => {
      const dir = setupCase(testCase, { patch: VISIBLE_PATCH });
      const env = testCase.env ?? {};
      const file = path.join(dir, testCase.planted);
      // Control: the same files, trusted, are used (so a refusal below is the check's doing).
      const trusted = await runStages(dir, env);
      assert.deepEqual(trusted.problems, []);
      assert.equal(trusted.exports.hello('app'), 'PATCHED hello app');

      if (testCase.how === 'chmod') chmodSync(file, 0o666);
      else chownSync(file, NOBODY, NOBODY);

      const refused = await runStages(dir, env);
      assert.equal(refused.exports.hello('app'), 'hello app', 'the planted file must not run');
      assert.equal(refused.problems.length, 1, JSON.stringify(refused.problems));
      const [problem] = refused.problems;
      assert.equal(problem.code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
      assert.ok(problem.message.includes(file), `the problem names ${file}: ${problem.message}`);
      assert.match(problem.message, testCase.how === 'chmod' ? /world-writable.*chmod o-w/ : new RegExp(`owned by uid ${NOBODY}.*chown`));
      assert.match(problem.message, testCase.phase === 'config' ? /refusing to load config file/ : /refusing to load patch module/);

      const strict = await runStages(dir, { ...env, WRAPT_HOOKS_STRICT: '1' }, { strict: true });
      if (testCase.phase === 'config') assert.equal(strict.plan.strict, true);
      else assert.equal(strict.thrown?.code, 'WRAPT_HOOKS_UNTRUSTED_FILE', String(strict.thrown));
    });
  }
});

/** Makes `file` what the case plants: another user's, world-writable, a FIFO, or a symlink to the device /dev/null. */
function plant(file, how) {
  if (how === 'chown') chownSync(file, NOBODY, NOBODY);
  else if (how === 'chmod') chmodSync(file, 0o666);
  else if (how === 'fifo' || how === 'device') {
    rmSync(file);
    if (how === 'device') return void symlinkSync('/dev/null', file);
    assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo');
    // A search that opened the FIFO would block this thread for good; a writer that comes after a
    // while (and again after each read) turns that hang into a failed assertion. Killed when the case ends.
    const code = `const write = () => { require('node:fs').writeFileSync(${JSON.stringify(file)}, '{}'); setTimeout(write, 100); }; setTimeout(write, 3000);`;
    return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  }
  return undefined;
}

/** runStages from `dir` as the process's working directory: cosmiconfig reads its meta config from there. */
async function runStagesIn(dir, env, options) {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await runStages(dir, env, options);
  } finally {
    process.chdir(before);
  }
}

describe('files refused before a byte of them is read: meta configs, $import, FIFOs and devices', () => {
  for (const testCase of UNREAD) {
    const skip = testCase.how === 'chown' && !IS_ROOT ? 'chown needs root (CI runs as root)' : false;
    // A FIFO opened for reading would block this test: the timeout turns a hang into a failure.
    it(testCase.name, { skip, timeout: 20_000 }, async () => {
      const dir = setupCase(testCase, { patch: VISIBLE_PATCH });
      const env = testCase.env ?? {};
      const file = path.join(dir, testCase.planted);
      const marker = path.join(dir, MARKER);
      if (testCase.how !== 'none') {
        // Control: the same files, trusted and regular, patch the app.
        const trusted = await runStagesIn(dir, env);
        assert.deepEqual(trusted.problems, []);
        assert.equal(trusted.exports.hello('app'), 'PATCHED hello app');
        rmSync(marker, { force: true });
      }
      const writer = plant(file, testCase.how);
      let refused;
      try {
        refused = await runStagesIn(dir, env);
      } finally {
        writer?.kill();
      }
      assert.equal(existsSync(marker), false, 'the refused JavaScript must not have run');
      assert.equal(refused.exports.hello('app'), 'hello app', 'no patch from a refused config');
      assert.equal(refused.problems.length, 1, JSON.stringify(refused.problems));
      const [problem] = refused.problems;
      assert.equal(problem.code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
      assert.ok(problem.message.includes(file), `the problem names ${file}: ${problem.message}`);
      assert.match(problem.message, testCase.reason);
    });
  }
});

describe('the config search never leaves the project', () => {
  const config = json({ patches: { victim: './patch.js' } });

  it('a config above the nearest package.json is ignored; one inside the project, above cwd, applies', () => {
    const outer = makeApp({ packageJson: false, files: { [RC]: config, 'patch.js': VISIBLE_PATCH } });
    const project = path.join(outer, 'project');
    writeFiles(project, { 'package.json': json({ name: 'inner', private: true }), 'src/app.js': APP });
    const above = planModule.loadPlan(path.join(project, 'src'), {});
    assert.equal(above.file, undefined);
    assert.deepEqual([above.patches, above.problems], [[], []]);
    // Control: the same config inside the project applies.
    writeFiles(project, { [RC]: config, 'patch.js': VISIBLE_PATCH });
    const inside = planModule.loadPlan(path.join(project, 'src'), {});
    assert.equal(inside.file, path.join(project, RC));
    assert.deepEqual(
      inside.patches.map((patch) => [patch.target, patch.spec]),
      [['victim', './patch.js']],
    );
  });

  it('without any package.json, only the working directory is searched', () => {
    const dir = makeApp({ packageJson: false, files: { [RC]: config, 'patch.js': VISIBLE_PATCH, 'sub/app.js': APP } });
    const below = planModule.loadPlan(path.join(dir, 'sub'), {});
    assert.equal(below.file, undefined, 'a config in a parent directory must not apply');
    assert.deepEqual(below.patches, []);
    assert.equal(planModule.loadPlan(dir, {}).file, path.join(dir, RC), 'control: the config in the working directory applies');
  });
});
