// The WRAPT_HOOKS_DEBUG decision log and the exit summary, on stderr through the one writer
// (writer.ts): in order with trace and recipe lines, none lost when stderr is a slow pipe
// or the process exits, and no stream is created when debugging is off.
import { flag } from './env';

/** What every line wrapt-hooks prints starts with (debug, summary, trace and recipe lines, the CLI's errors). */
export const PREFIX = 'wrapt-hooks:';

export const debugEnabled = flag(process.env['WRAPT_HOOKS_DEBUG']);

export function debug(message: string): void {
  if (!debugEnabled) return;
  writeLine(`${PREFIX} ${message}`);
}

/** Writes one line to stderr, with the prefix every text line gets (trace/output.ts stderrLine). */
export function writeLine(line: string): void {
  // Required here, not imported: the writer loads with the first line, not at every start.
  (require('./trace/output') as typeof import('./trace/output')).stderrLine(line);
}
