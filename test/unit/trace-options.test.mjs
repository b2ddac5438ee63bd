// In-process: trace entry options (src/trace/options.ts) in their three spellings — the
// config's object form, `+` suffixes in the config's string form and in WRAPT_TRACE — with
// coded problems naming the entry; "traceSummary" / WRAPT_TRACE_SUMMARY. The summary itself is
// test/unit/trace-summary.test.mjs, wildcards test/unit/trace-wildcard.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { traceOptions, validate, plan } = internals();
const DEFAULTS = { stack: 0, this: false, slow: undefined, errors: false, sample: undefined, maxString: undefined };

test('splitSpec: options after the function path; a "+" in the target stays', () => {
  assert.deepEqual(traceOptions.splitSpec('pg#Client.prototype.query+this+slow=5'), { spec: 'pg#Client.prototype.query', raw: { this: true, slow: 5 } });
  assert.deepEqual(traceOptions.splitSpec('fs#mkdtemp+stack=3+sample=0.5+errors+maxString=500'), {
    spec: 'fs#mkdtemp',
    raw: { stack: 3, sample: 0.5, errors: true, maxString: 500 },
  });
  assert.deepEqual(traceOptions.splitSpec('./src/a+b.js#f'), { spec: './src/a+b.js#f', raw: {} });
  assert.deepEqual(traceOptions.splitSpec('./src/a+b.js#f+this=false'), { spec: './src/a+b.js#f', raw: { this: false } });
  assert.deepEqual(traceOptions.splitSpec('greeter#shout'), { spec: 'greeter#shout', raw: {} });
});

test('readOptions: each option, its defaults, and a problem per bad value or unknown key', () => {
  assert.deepEqual({ ...traceOptions.readOptions({}).options }, DEFAULTS);
  const { options, problems } = traceOptions.readOptions({ stack: true, this: true, slow: 2.5, errors: true, sample: 0.25, maxString: 300 });
  assert.deepEqual(problems, []);
  assert.deepEqual({ ...options }, { stack: 1, this: true, slow: 2.5, errors: true, sample: 0.25, maxString: 300 });
  assert.equal(traceOptions.readOptions({ stack: 4 }).options.stack, 4);
  assert.equal(traceOptions.readOptions({ stack: false }).options.stack, 0);
  const bad = traceOptions.readOptions({ stack: -1, this: 'yes', slow: 'fast', errors: 1, sample: 2, maxString: 0, colour: true });
  assert.deepEqual({ ...bad.options }, DEFAULTS, 'bad values are dropped');
  assert.deepEqual(
    bad.problems.map((p) => [p.key, p.unknown]),
    [
      ['stack', false],
      ['this', false],
      ['slow', false],
      ['errors', false],
      ['sample', false],
      ['maxString', false],
      ['colour', true],
    ],
  );
  assert.match(bad.problems[2].message, /expected a number of milliseconds .* got "fast"/);
  assert.match(bad.problems[6].message, /unknown option \(known: stack, this, slow, errors, sample, maxString\)/);
});

test('mergeOptions: the later entry wins where it sets an option; optionSuffix writes them back', () => {
  const first = traceOptions.readOptions({ stack: 2, slow: 5 }).options;
  const later = traceOptions.readOptions({ this: true, slow: 1 }).options;
  assert.deepEqual({ ...traceOptions.mergeOptions(first, later) }, { ...DEFAULTS, stack: 2, this: true, slow: 1 });
  assert.equal(traceOptions.optionSuffix(traceOptions.readOptions({ stack: true, this: true, slow: 5, sample: 0.1 }).options), '+stack+this+slow=5+sample=0.1');
});

test('config: object form and string form mean the same; bad options are coded problems naming the key; the entry is kept', () => {
  const section = validate.validateSection(
    {
      trace: [
        { fn: 'pg#Client.prototype.query', stack: 3, this: true, slow: 5 },
        'pg#Client.prototype.query+stack=3+this+slow=5',
        { fn: 'fs#mkdtemp+errors', sample: 2, colour: 'red' },
        'fs#mkdtempSync+slow=fast+bogus',
      ],
      traceSummary: true,
    },
    '/app/.wrapt-hooksrc.json',
    '/app',
    'config',
  );
  const [object, string, mixed, bad] = section.trace;
  assert.deepEqual({ ...object.options }, { ...DEFAULTS, stack: 3, this: true, slow: 5 });
  assert.deepEqual({ ...string.options }, { ...object.options });
  assert.equal(string.spec, 'pg#Client.prototype.query');
  assert.equal(object.stack, true);
  assert.deepEqual({ ...mixed.options }, { ...DEFAULTS, errors: true }, 'suffixes of "fn" apply; the bad sample is dropped');
  assert.equal(bad.spec, 'fs#mkdtempSync');
  assert.equal(section.traceSummary, true);
  assert.deepEqual(
    section.problems.map((p) => [p.code, p.message.replace('/app/.wrapt-hooksrc.json: ', '')]),
    [
      [
        'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
        'key trace[2].colour: unknown key (known keys: fn, enabled, stack, this, slow, errors, sample, maxString). Remove it or fix its spelling.',
      ],
      [
        'WRAPT_HOOKS_CONFIG_INVALID',
        'key trace[2].sample: option "sample": expected a fraction from 0 to 1, like 0.1, got 2; the function is traced without it.',
      ],
      [
        'WRAPT_HOOKS_CONFIG_INVALID',
        'key trace[3]: option "slow": expected a number of milliseconds (0 or more), like 5, got "fast"; the function is traced without it.',
      ],
      [
        'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
        'key trace[3]: option "bogus": unknown option (known: stack, this, slow, errors, sample, maxString); the function is traced without it.',
      ],
    ],
  );
  const wrongType = validate.validateSection({ traceSummary: 'yes' }, 'f.json', '/app', 'config');
  assert.deepEqual(
    wrongType.problems.map((p) => p.message),
    ['f.json: key traceSummary: expected true or false, got string "yes".'],
  );
});

test('WRAPT_TRACE: options as suffixes, problems name the entry; WRAPT_TRACE_SUMMARY', () => {
  const result = plan.loadPlan('/nonexistent-dir', {
    WRAPT_HOOKS_CONFIG: '',
    WRAPT_TRACE: 'greeter#shout+this+sample=0.5, greeter#fail+sample=x',
    WRAPT_TRACE_SUMMARY: '1',
  });
  assert.deepEqual(
    result.trace.map((t) => [t.spec, { ...t.options }, t.origin]),
    [
      ['greeter#shout', { ...DEFAULTS, this: true, sample: 0.5 }, 'WRAPT_TRACE'],
      ['greeter#fail', DEFAULTS, 'WRAPT_TRACE'],
    ],
  );
  assert.equal(result.traceSummary, true);
  assert.deepEqual(
    result.problems.map((p) => [p.code, p.message]),
    [
      [
        'WRAPT_HOOKS_CONFIG_INVALID',
        'WRAPT_TRACE entry 2 ("greeter#fail+sample=x"): option "sample": expected a fraction from 0 to 1, like 0.1, got "x"; the function is traced without it.',
      ],
    ],
  );
  assert.equal(plan.loadPlan('/nonexistent-dir', { WRAPT_HOOKS_CONFIG: '' }).traceSummary, false);
});
