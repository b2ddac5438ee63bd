// The command line of `wrapt-hooks attach` (docs/attach.md): its help, and the options checked
// before anything reaches the process (a mistake in them is exit 2).
import { optionProblem, parseTraceEntry } from '../config/validate';
import { recipeNames } from '../recipes/discover';
import { jsonFormat, list } from '../env';
import { UsageError } from './args';

export const ATTACH_USAGE = `Usage: wrapt-hooks attach <pid> [--trace <spec>]... [--recipe <name>[,<name>]]...
                          [--for <duration>] [--summary] [--handles] [--inspector]

Attaches to a running Node.js process of yours, turns traces and recipes on in it at once
(modules already loaded and those loaded later), and prints their lines here, on stdout, until
you press Ctrl-C, --for has passed or the process ends; then everything it added is taken off.

The process needs a control socket: start it with the preload and WRAPT_HOOKS_CONTROL=1
(or "control": true in the config). --inspector opens one in a process started without it,
through Node's inspector (SIGUSR1, as "node inspect -p <pid>" does), closed again at once.

Options:
  -t, --trace <spec>   trace a function, as WRAPT_TRACE: "fs#readFileSync", "./src/db.js#query+slow=5",
                       or each function of an object: "./src/db.js#*", "pg#Client.prototype.*"
                       (./ paths are relative to the process's working directory). Repeatable.
  -r, --recipe <name>  turn a recipe on: ${recipeNames().join(', ')}. Repeatable, or comma-separated.
      --for <duration> detach after this long: 30s, 2m, 500ms
      --summary        print the process's debug summary and trace summary, then detach
      --handles        print what keeps the process alive, then detach
      --inspector      open the control socket through Node's inspector when there is none
  -h, --help           show this help

Lines are text, or JSON with WRAPT_TRACE_FORMAT=json in attach's own environment.
Exit codes: 0 attached and detached, 2 usage, 3 could not attach.
`;

export interface Options {
  pid: number;
  traces: string[];
  recipes: string[];
  forMs: number | undefined;
  summary: boolean;
  handles: boolean;
  inspector: boolean;
  json: boolean;
}

/** Checks the command line; throws UsageError for a mistake in it. */
export function readOptions(values: Record<string, unknown>, positionals: readonly string[], env: NodeJS.ProcessEnv): Options {
  if (positionals.length !== 1) throw new UsageError('attach: give exactly one process id, like "wrapt-hooks attach 4242 --trace fs#readFileSync".');
  const text = positionals[0]!;
  const pid = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(pid) || pid > 2 ** 31 - 1) throw new UsageError(`attach: "${text}" is not a process id.`);
  const traces = ((values['trace'] as string[] | undefined) ?? []).flatMap((value) => list(value));
  for (const spec of traces) {
    // Checked here for its shape; the process resolves it against its own working directory.
    const read = parseTraceEntry(spec, '/');
    if (typeof read.parsed === 'string') throw new UsageError(`attach: --trace ${JSON.stringify(spec)}: ${read.parsed}`);
    if (read.problems.length > 0) throw new UsageError(`attach: --trace ${JSON.stringify(spec)}: ${optionProblem(read.problems[0]!)}.`);
  }
  const known = recipeNames();
  const recipes = ((values['recipe'] as string[] | undefined) ?? []).flatMap((value) => list(value));
  for (const name of recipes)
    if (!known.includes(name)) throw new UsageError(`attach: --recipe ${JSON.stringify(name)} is not a recipe. The recipes are: ${known.join(', ')}.`);
  const forMs = values['for'] === undefined ? undefined : duration(values['for'] as string);
  const summary = values['summary'] === true;
  const handles = values['handles'] === true;
  if (traces.length === 0 && recipes.length === 0 && !summary && !handles) {
    throw new UsageError('attach: nothing to do: give --trace, --recipe, --summary or --handles.');
  }
  return { pid, traces, recipes, forMs, summary, handles, inspector: values['inspector'] === true, json: jsonFormat(env['WRAPT_TRACE_FORMAT']) };
}

/** `30s`, `2m`, `500ms`, `1h`, or a number of seconds. */
export function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = match?.[2] ?? 's';
  const ms = match === null ? NaN : Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1)
    throw new UsageError(`attach: --for ${JSON.stringify(text)} is not a duration like 30s, 2m or 500ms.`);
  return ms;
}
