// The WRAPT_HOOKS_DEBUG decision log and the exit summary, on stderr through the one writer
// (writer.ts): in order with trace and recipe lines, none lost when stderr is a slow pipe
// or the process exits, and no stream is created when debugging is off.
import { flag } from './env';

export const debugEnabled = flag(process.env['WRAPT_HOOKS_DEBUG']);

export function debug(message: string): void {
  if (!debugEnabled) return;
  const { PREFIX, stderrLine } = lines();
  stderrLine(`${PREFIX} ${message}`);
}

/** Writes one line to stderr; a line starting `wrapt-hooks: ` gets the prefix of every text line (line.ts). */
export function writeLine(line: string): void {
  lines().stderrLine(line);
}

/** line.ts and the writer, required at the first line, not imported: they load with it, not at every start. */
function lines(): typeof import('./line') {
  return require('./line') as typeof import('./line');
}
