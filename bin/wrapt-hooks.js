#!/usr/bin/env node
'use strict';
// The `wrapt-hooks` command: a launcher for dist/cli.js (see `wrapt-hooks --help`).
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
      // A JavaScript config file that doctor reads may leave timers or sockets open; the
      // report is written by now (stdout writes to files and pipes are synchronous on POSIX).
      process.exit(code);
    },
    (error) => {
      process.stderr.write(`wrapt-hooks: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
