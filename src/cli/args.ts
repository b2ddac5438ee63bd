// Command-line arguments: our options end at the first positional argument (the command
// being run keeps its own), parsed strictly by node:util parseArgs.
import { parseArgs } from 'node:util';

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export type OptionSpec = Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>;

/**
 * Parses the options before the first positional argument with `parseArgs` and returns the
 * rest untouched: the options of the command being run are not ours.
 */
export function splitOptions(argv: readonly string[], spec: OptionSpec): { options: Record<string, unknown>; rest: string[] } {
  const args = [...argv];
  // A lenient pass finds where our options end (a value-taking option consumes its value).
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  let end = args.length;
  let restStart = args.length;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      end = restStart = token.index;
      break;
    }
    if (token.kind === 'option-terminator') {
      end = token.index;
      restStart = token.index + 1;
      break;
    }
  }
  // The strict pass over our part reports unknown options and missing values.
  const { values } = parseArgs({ args: args.slice(0, end), options: spec, strict: true, allowPositionals: false });
  return { options: values as Record<string, unknown>, rest: args.slice(restStart) };
}
