'use strict';
// Stands in for the `debug` package inside the preload bundle (scripts/build.mjs): a logger that
// is never enabled. require-in-the-middle is the only bundled module that uses `debug`.
module.exports = function createDebug() {
  const log = () => {};
  log.enabled = false;
  return log;
};
