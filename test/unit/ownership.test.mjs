// In-process: the one owner-and-mode check (src/ownership.ts) behind config and patch files
// (core/trust.ts), trace files (writer.ts), control sockets (control/paths.ts) and the code-cache
// directory (start.ts); each caller's own words are tested with it (test/unit/writer, control
// and bootstrap-bad-input).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { ownershipProblem } = internals().ownership;
const stat = (uid, mode) => ({ uid, mode: 0o100000 | mode });

test('ownershipProblem: another owner, a forbidden mode bit, or both; root only where allowed', () => {
  assert.equal(ownershipProblem(stat(1000, 0o600), { uid: 1000, forbiddenBits: 0o077 }), undefined);
  assert.deepEqual(ownershipProblem(stat(1001, 0o600), { uid: 1000, forbiddenBits: 0o077 }), { owner: 1001, uid: 1000 });
  assert.deepEqual(ownershipProblem(stat(1000, 0o640), { uid: 1000, forbiddenBits: 0o077 }), { mode: 0o640 });
  assert.equal(ownershipProblem(stat(1000, 0o640), { uid: 1000, forbiddenBits: 0o002 }), undefined, 'only the bits the caller forbids');
  assert.deepEqual(ownershipProblem(stat(1001, 0o666), { uid: 1000, forbiddenBits: 0o022 }), { owner: 1001, uid: 1000, mode: 0o666 });
  assert.deepEqual(ownershipProblem(stat(0, 0o644), { uid: 1000, forbiddenBits: 0o002 }), { owner: 0, uid: 1000 });
  assert.equal(ownershipProblem(stat(0, 0o644), { uid: 1000, allowRoot: true, forbiddenBits: 0o002 }), undefined);
  assert.deepEqual(ownershipProblem(stat(0, 0o646), { uid: 1000, allowRoot: true, forbiddenBits: 0o002 }), { mode: 0o646 });
});

test('ownershipProblem: no uid (Windows) checks the mode bits alone; by default the uid is this process user', () => {
  assert.equal(ownershipProblem(stat(1001, 0o600), { uid: undefined, forbiddenBits: 0o077 }), undefined);
  assert.deepEqual(ownershipProblem(stat(1001, 0o602), { uid: undefined, forbiddenBits: 0o002 }), { mode: 0o602 });
  const me = process.getuid();
  assert.equal(ownershipProblem(stat(me, 0o700), { forbiddenBits: 0o077 }), undefined);
  assert.deepEqual(ownershipProblem(stat(me + 1, 0o700), { forbiddenBits: 0o077 }), { owner: me + 1, uid: me });
});
