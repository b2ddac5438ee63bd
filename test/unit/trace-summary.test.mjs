// In-process: the exit summary of traced calls (src/trace/summary.ts): nearest-rank
// percentiles; calls, errors and the maximum per function, one pending at exit counted but not
// timed; a function never called.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { traceSummary } = internals();

test('summary: nearest-rank percentiles; calls, errors and max; a function never called', () => {
  assert.equal(traceSummary.percentile([], 0.5), undefined);
  assert.equal(traceSummary.percentile([1, 2, 3, 4], 0.5), 2);
  assert.equal(traceSummary.percentile([1, 2, 3, 4], 0.95), 4);
  const stats = new traceSummary.Stats('greeter#shout');
  for (const ms of [0.04, 0.05, 0.06]) {
    stats.call();
    stats.done(ms, ms === 0.06);
  }
  stats.call(); // still pending at exit: counted, not timed
  assert.equal(stats.line().text, 'summary greeter#shout calls=4 errors=1 p50=0.05ms p95=0.06ms max=0.06ms');
  assert.deepEqual(stats.line().fields, { summary: true, fn: 'greeter#shout', calls: 4, errors: 1, p50: 0.05, p95: 0.06, max: 0.06 });
  assert.equal(new traceSummary.Stats('x#y').line().text, 'summary x#y calls=0 errors=0 p50=- p95=- max=-');
});
