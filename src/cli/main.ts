// The command line (`wrapt-hooks`, the package's bin):
//   run     starts any command with the preload in NODE_OPTIONS (the CLI never loads it itself);
//   attach  traces and recipes in a running process, over its control socket (docs/attach.md);
//   doctor  reads the config and the patch packages the way the preload would and reports what
//           would happen and what is wrong, without running application or patch code.
import { PREFIX } from '../line';
import { splitOptions, UsageError } from './args';
import { attachCommand } from './attach';
import { doctorCommand } from './doctor';
import { runCommand } from './run';
import { packageVersion } from '../version';

const USAGE = `Usage: wrapt-hooks <command> [options]

Commands:
  run [--trace <spec>]... [--recipe <name>[,<name>]]... <command> [args...]
                    run a command with the wrapt-hooks preload added to NODE_OPTIONS
                    (child Node.js processes inherit it); exit code and signals pass through
  doctor [--json]   check the config file, the patch packages and every patch module,
                    without running the application; exits 1 when there is a problem
  attach <pid> [--trace <spec>]... [--recipe <name>]... [--for <duration>] [--summary] [--handles] [--inspector]
                    trace functions and turn recipes on in a running process, lines here,
                    until Ctrl-C; exit 0 detached, 2 usage, 3 could not attach

Options:
  -h, --help        show this help (also: wrapt-hooks <command> --help)
  -v, --version     print the version of wrapt-hooks

Environment: WRAPT_PATCHES, WRAPT_HOOKS_CONFIG, WRAPT_HOOKS_DEBUG, WRAPT_HOOKS_DISABLE,
WRAPT_HOOKS_STRICT, WRAPT_TRACE, WRAPT_TRACE_FILE, WRAPT_TRACE_FORMAT, WRAPT_TRACE_SUMMARY
(see docs/config.md).
`;

/** The CLI. Resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const { options, rest } = splitOptions(argv, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } });
    if (options['version'] === true) {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const [command, ...args] = rest;
    if (options['help'] === true || command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    switch (command) {
      case 'run':
        return await runCommand(args);
      case 'doctor':
        return doctorCommand(args);
      case 'attach':
        return await attachCommand(args);
      case undefined:
        process.stderr.write(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}". The commands are "run", "doctor" and "attach".`);
    }
  } catch (error) {
    const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${PREFIX} ${(error as Error).message}\nRun "wrapt-hooks --help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`${PREFIX} internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report it with the command you ran.\n`);
    return 1;
  }
}
