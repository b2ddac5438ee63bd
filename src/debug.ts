// The WRAPT_HOOKS_DEBUG decision log and the exit summary. Lines go straight to fd 2 with a
// synchronous write, so none is lost when the process exits and no stream is created
// when debugging is off.
import { writeSync } from 'node:fs';
import { flag } from './env';

export const debugEnabled = flag(process.env['WRAPT_HOOKS_DEBUG']);

export function debug(message: string): void {
  if (!debugEnabled) return;
  writeLine(`wrapt-hooks: ${message}`);
}

/** Writes one line to stderr, synchronously; a closed stderr is not an error of ours. */
export function writeLine(line: string): void {
  try {
    writeSync(2, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    // stderr closed (EPIPE/EBADF): there is nowhere left to report to.
  }
}
