// In-process, over real files: the writer of every line (src/writer.ts, docs/tracing.md and
// docs/production-and-security.md) and the trace file it opens. WRAPT_TRACE_FILE is opened
// without following a symlink, created 0600, and refused when another user owns it or
// group/others may write it. The WRAPT_TRACE_PREFIX setting is test/unit/env.test.mjs's.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { internals } from './internals.mjs';

const { traceWriter: w } = internals();
const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-trace-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

test('a new trace file is created with mode 0600 and lines are appended to it', () => {
  const file = path.join(dir, 'new.log');
  const sink = w.fileSink(file);
  sink.write('one\n');
  sink.write('two\n');
  sink.flush();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\n');
  assert.equal(w.fileSink(file), sink, 'one writer per file');
});

test('an existing file of this user, mode 0600, is appended to', () => {
  const file = path.join(dir, 'mine.log');
  writeFileSync(file, 'before\n', { mode: 0o600 });
  const sink = w.fileSink(file);
  sink.write('after\n');
  sink.flush();
  assert.equal(readFileSync(file, 'utf8'), 'before\nafter\n');
});

test('refused: a symlink (even to a file of ours), a file writable by group or others, a FIFO, a directory', () => {
  const target = path.join(dir, 'target.log');
  writeFileSync(target, '', { mode: 0o600 });
  const link = path.join(dir, 'link.log');
  symlinkSync(target, link);
  assert.throws(() => w.fileSink(link), { name: 'TraceFileRefused', message: /symbolic link/ });
  assert.equal(readFileSync(target, 'utf8'), '', 'nothing written through the link');
  assert.ok(lstatSync(link).isSymbolicLink());
  for (const [mode, who] of [
    [0o620, 'its group'],
    [0o602, 'others'],
  ]) {
    const file = path.join(dir, `mode-${mode.toString(8)}.log`);
    writeFileSync(file, '');
    chmodSync(file, mode);
    assert.throws(() => w.fileSink(file), { name: 'TraceFileRefused', message: new RegExp(`writable by ${who}`) });
  }
  const fifo = path.join(dir, 'fifo.log');
  execFileSync('mkfifo', [fifo]);
  // No reader: the open fails at once (it never waits for one).
  assert.throws(
    () => w.fileSink(fifo),
    (error) => error.code === 'ENXIO' || error.name === 'TraceFileRefused',
  );
  assert.throws(
    () => w.fileSink(dir),
    (error) => error.code === 'EISDIR' || error.name === 'TraceFileRefused',
  );
});

test('refused: a file owned by another user (nobody), even with mode 0600', { skip: !isRoot && 'needs root to chown a file to nobody' }, () => {
  const file = path.join(dir, 'theirs.log');
  writeFileSync(file, 'theirs\n', { mode: 0o600 });
  chownSync(file, 65534, 65534);
  assert.throws(() => w.fileSink(file), { name: 'TraceFileRefused', message: /owned by uid 65534/ });
  assert.equal(readFileSync(file, 'utf8'), 'theirs\n');
});

test('untrusted(): the reason a trace file is refused', () => {
  const stat = (fields) => ({ isFile: () => true, uid: 1000, mode: 0o100600, ...fields });
  assert.equal(w.untrusted(stat({}), 1000), undefined);
  assert.match(w.untrusted(stat({ uid: 0 }), 1000), /owned by uid 0/);
  assert.match(w.untrusted(stat({ mode: 0o100666 }), 1000), /writable by its group \(mode 0666\)/);
  assert.match(w.untrusted(stat({ isFile: () => false }), 1000), /not a regular file/);
});
