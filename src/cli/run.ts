// `wrapt-hooks run`: starts a command with this copy's preload added to NODE_OPTIONS; stdio,
// the exit code and signals pass through.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path = require('node:path');
import { optionMistake, parseTraceEntry } from '../config/validate';
import { RECIPE_PREFIX, recipeNames } from '../recipes/discover';
import { describeCause } from '../errors';
import { splitOptions, UsageError } from './args';
import { list, type Env } from '../env';

/** The preload `run` adds to NODE_OPTIONS: this installed copy's register.js, by absolute path. */
export const REGISTER = path.resolve(__dirname, '..', 'register.js');

const runUsage = (): string => `Usage: wrapt-hooks run [--trace <spec>]... [--recipe <name>[,<name>]]... <command> [args...]

Runs <command> with "--require <wrapt-hooks>/register.js" appended to NODE_OPTIONS, so every
Node.js process it starts loads the config and the patches. Options end at <command>:
"wrapt-hooks run node --inspect app.js" passes --inspect to node.

Options:
  -t, --trace <spec>  log every call of a function, like WRAPT_TRACE: "<target>#<path>",
                      e.g. "fs#mkdtempSync" or "pg#Client.prototype.query"; options follow
                      as "+stack", "+stack=3", "+this", "+slow=5", "+errors", "+sample=0.1",
                      "+maxString=500". Repeatable.
  -r, --recipe <name> turn on a recipe (${recipeNames().join(', ')}), like
                      WRAPT_PATCHES=wrapt-hooks/recipes/<name>. Repeatable, or comma-separated.
  -h, --help          show this help

Examples:
  npx wrapt-hooks run node app.js
  npx wrapt-hooks run --trace fs#mkdtempSync+stack npm start
  npx wrapt-hooks run --recipe http,sql node server.js
`;

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { options, rest } = splitOptions(argv, {
    trace: { type: 'string', short: 't', multiple: true },
    recipe: { type: 'string', short: 'r', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (options['help'] === true) {
    process.stdout.write(runUsage());
    return 0;
  }
  const [command, ...args] = rest;
  if (command === undefined || command === '') throw new UsageError('run: name the command to run, like "wrapt-hooks run node app.js".');
  const traces = (options['trace'] as string[] | undefined) ?? [];
  for (const spec of traces.flatMap((value) => list(value))) {
    const read = parseTraceEntry(spec, process.cwd());
    if (typeof read.parsed === 'string') throw new UsageError(`run: --trace ${JSON.stringify(spec)}: ${read.parsed}`);
    // Refused before anything starts, so the message says that, not what the preload would do.
    if (read.problems.length > 0) {
      throw new UsageError(`run: --trace ${JSON.stringify(spec)}: ${optionMistake(read.problems[0]!)}. The command was not started: fix or drop the option.`);
    }
  }
  const recipes = ((options['recipe'] as string[] | undefined) ?? []).flatMap((value) => list(value));
  const known = recipeNames();
  for (const name of recipes) {
    if (!known.includes(name)) throw new UsageError(`run: --recipe ${JSON.stringify(name)} is not a recipe. The recipes are: ${known.join(', ')}.`);
  }
  const env = runEnv(process.env, traces, recipes);
  return new Promise<number>((resolve) => {
    let settled = false;
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      // The terminal sends Ctrl-C to the whole process group, so the child may see SIGINT twice
      // (as with `npm run`); `kill <pid>` and `docker stop` reach only us, hence the forwarding.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const finish = (code: number, signal?: NodeJS.Signals): void => {
      if (settled) return;
      settled = true;
      for (const name of FORWARDED_SIGNALS) process.removeListener(name, forward);
      if (signal !== undefined) {
        // Die of the same signal, so that our parent sees what it would have seen without us.
        try {
          process.kill(process.pid, signal);
        } catch {
          // not a signal we can raise: fall through to the shell's 128 + n convention
        }
        resolve(128 + (osConstants.signals[signal] ?? 0));
        return;
      }
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill(); 'exit' still follows
      if (error.code === 'ENOENT') {
        process.stderr.write(
          `wrapt-hooks run: command not found: ${command}. Check the spelling and that it is installed and on PATH${command.includes('/') ? '' : ' (for a project script use "npx wrapt-hooks run …" or "npm exec")'}.\n`,
        );
        finish(127);
      } else if (error.code === 'EACCES') {
        process.stderr.write(
          `wrapt-hooks run: cannot execute ${command}: permission denied. Make it executable (chmod +x) or run it through its interpreter.\n`,
        );
        finish(126);
      } else {
        process.stderr.write(`wrapt-hooks run: cannot start ${command}: ${describeCause(error)}.\n`);
        finish(1);
      }
    });
    child.once('exit', (code, signal) => finish(code ?? 1, signal ?? undefined));
  });
}

/** The environment of the command `run` starts: the preload in NODE_OPTIONS, traces in WRAPT_TRACE, recipes in WRAPT_PATCHES. */
export function runEnv(base: Env, traces: readonly string[] = [], recipes: readonly string[] = []): Env {
  const env: Env = { ...base, NODE_OPTIONS: nodeOptionsWith(base['NODE_OPTIONS'], REGISTER) };
  const extra = traces.map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (extra.length > 0) {
    const existing = (base['WRAPT_TRACE'] ?? '').trim();
    env['WRAPT_TRACE'] = existing === '' ? extra.join(',') : `${existing},${extra.join(',')}`;
  }
  if (recipes.length > 0) {
    const existing = (base['WRAPT_PATCHES'] ?? '').trim();
    const added = recipes.map((name) => RECIPE_PREFIX + name).join(',');
    env['WRAPT_PATCHES'] = existing === '' ? added : `${existing},${added}`;
  }
  return env;
}

/** `existing` NODE_OPTIONS plus `--require <file>`, quoted the way Node's NODE_OPTIONS parser reads it. */
export function nodeOptionsWith(existing: string | undefined, file: string): string {
  const flag = `--require ${quoteNodeOption(file)}`;
  const before = (existing ?? '').trim();
  if (before === '') return flag;
  if (` ${before} `.includes(` ${flag} `)) return before;
  return `${before} ${flag}`;
}

/** NODE_OPTIONS splits on spaces; double quotes group, and inside them a backslash escapes. */
export function quoteNodeOption(value: string): string {
  if (/^[^\s"\\]+$/.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
