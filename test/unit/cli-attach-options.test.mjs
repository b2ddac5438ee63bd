// In-process: `wrapt-hooks attach`'s command line (src/cli/attach-options.ts, docs/attach.md): a pid,
// something to do, known recipes and durations; every mistake is a usage error.
// test/attach.test.mjs attaches to a real process; test/unit/control.test.mjs has the control
// socket the command talks to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from './internals.mjs';

const { attachOptions } = cli.internals;

test('attach command line: a pid, something to do, known recipes, durations; mistakes are usage errors', () => {
  const read = (values, positionals = ['42']) => attachOptions.readOptions(values, positionals, {});
  assert.deepEqual(read({ trace: ['fs#readFileSync,./a.js#f+slow=5'] }).traces, ['fs#readFileSync', './a.js#f+slow=5']);
  assert.equal(read({ summary: true }).pid, 42);
  assert.equal(attachOptions.readOptions({ handles: true }, ['7'], { WRAPT_TRACE_FORMAT: 'json' }).json, true);
  for (const [values, positionals, message] of [
    [{ summary: true }, [], /exactly one process id/],
    [{ summary: true }, ['1', '2'], /exactly one process id/],
    [{ summary: true }, ['abc'], /"abc" is not a process id/],
    [{ summary: true }, ['0'], /"0" is not a process id/],
    [{}, ['42'], /nothing to do/],
    [{ trace: ['fs'] }, ['42'], /is not "<target>#<function path>"/],
    [{ trace: ['fs#x+slow=fast'] }, ['42'], /option "slow"/],
    [{ recipe: ['htp'] }, ['42'], /"htp" is not a recipe/],
    [{ summary: true, for: 'soon' }, ['42'], /--for "soon" is not a duration/],
  ]) {
    assert.throws(() => attachOptions.readOptions(values, positionals, {}), message, JSON.stringify([values, positionals]));
  }
  assert.equal(attachOptions.duration('30s'), 30_000);
  assert.equal(attachOptions.duration('2m'), 120_000);
  assert.equal(attachOptions.duration('500ms'), 500);
  assert.equal(attachOptions.duration('5'), 5000);
});
