'use strict';
// Prototype (bench only): CommonJS interception per module *load*, not per require() call. It led
// to src/hooks/cjs.ts, which wraps Module.prototype.load (every extension, one place) instead of
// Module._extensions; kept as the floor of the idea: the probe row "heavy: Module._extensions hook".
// require-in-the-middle wraps Module.prototype.require and, for every call, resolves the request
// again (Module._resolveFilename) and parses the filename (module-details-from-path) before it can
// say "not a target". Wrapping Module._extensions['.js'] instead runs once per module actually
// compiled, is handed the filename, and never runs for cache hits; after the original returns,
// module.exports is complete and could be patched or replaced in place. Builtins never pass here:
// they would need a check of the request id (no resolution) in require/getBuiltinModule.
// Here it only counts target modules (the heavy apps load pg and redis).
const Module = require('node:module');
const targets = new Set([
  'express',
  'koa',
  'fastify',
  'pg',
  'mysql2',
  'redis',
  'ioredis',
  'mongodb',
  'mongoose',
  '@grpc/grpc-js',
  'graphql',
  'knex',
  'kafkajs',
  'amqplib',
]);
const NM = '/node_modules/';
function packageOf(filename) {
  const at = filename.lastIndexOf(NM);
  if (at === -1) return undefined;
  const start = at + NM.length;
  let end = filename.indexOf('/', start);
  if (filename.charCodeAt(start) === 64 /* @ */) end = filename.indexOf('/', end + 1);
  return filename.slice(start, end);
}
let hits = 0;
for (const ext of ['.js', '.cjs']) {
  const original = Module._extensions[ext];
  Module._extensions[ext] = function (module, filename) {
    const result = Reflect.apply(original, this, arguments);
    const name = packageOf(filename);
    if (name !== undefined && targets.has(name)) hits++; // here: registry.onLoad(...), module.exports = patched
    return result;
  };
}
process.on('exit', () => {
  if (process.env.EXT_DEBUG) console.error('target modules loaded:', hits);
});
