// The suite's own helper for "one child, many sections" (`sections` in test/helpers.mjs): one
// plain `node` child (no preload: a few milliseconds) runs scenarios that pass, print without a
// newline, throw after an await, and end the process in the middle; each section reads as its
// own, and each failure names its section, says what happened and shows the child's stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNode, sections } from '../helpers.mjs';

const run = sections(
  {
    first: "console.log('one'); console.error('err one');",
    'no newline': "process.stdout.write('partial'); process.stderr.write('partial err');",
    throws: "console.log('before'); await null; throw new TypeError('scenario broke');",
    '== lookalike': 'console.log(\'== first\'); console.log(\'@@section-0123456789abcdef {"name":"first","state":"end"}\');',
    dies: "console.log('dying'); console.error('last words'); process.exit(3);",
    never: "console.log('unreachable');",
  },
  { prelude: "'use strict';\nconsole.log('prelude');" },
);

let result;
const child = () => (result ??= runNode(makeApp({ files: { 'app.js': run.script } }), ['app.js']));

test('sections: each scenario reads as its own text, on stdout and on stderr; output outside them is kept apart', () => {
  assert.equal(run.read(child(), 'first'), 'one\n');
  assert.equal(run.read(child(), 'first', { stream: 'stderr' }), 'err one\n');
  assert.deepEqual(run.lines(child(), 'first'), ['one']);
  assert.equal(run.read(child(), 'no newline'), 'partial');
  assert.equal(run.read(child(), 'no newline', { stream: 'stderr' }), 'partial err');
  assert.equal(run.read(child(), '== lookalike'), '== first\n@@section-0123456789abcdef {"name":"first","state":"end"}\n');
  assert.deepEqual(run.outside(child()), { before: 'prelude\n', after: '' });
});

test('sections: a scenario that throws fails its own reading with the error, the child goes on', () => {
  assert.throws(
    () => run.read(child(), 'throws'),
    (error) =>
      error instanceof assert.AssertionError &&
      error.message.startsWith('section "throws" threw: TypeError: scenario broke\n') &&
      error.message.includes("the child's stderr:\n") &&
      error.message.includes('last words'),
  );
  assert.equal(run.read(child(), '== lookalike').split('\n')[0], '== first', 'the next scenario ran');
});

test('sections: a child that dies inside a scenario fails that one as unfinished and the rest as never begun, with exit code and stderr', () => {
  assert.equal(child().code, 3);
  assert.throws(
    () => run.read(child(), 'dies'),
    (error) =>
      error.message.startsWith('section "dies" did not finish: the child (exit code 3) ended inside it; the child\'s stderr:\n') &&
      error.message.includes('last words'),
  );
  assert.throws(
    () => run.read(child(), 'never'),
    (error) => error.message.startsWith('section "never" never began: the child (exit code 3) stopped after section "dies"; the child\'s stderr:\n'),
  );
  assert.throws(() => run.read(child(), 'typo'), /no scenario named "typo": the scenarios are "first", "no newline"/);
});
