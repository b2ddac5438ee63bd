// wrapt-hooks' side: observers that count calls and change nothing the application sees.
const { wrapFunctionWrapper } = require('wrapt-hooks');

const counts = (globalThis.wraptCounts ??= { express: 0, greeter: 0, lib: 0, fs: 0 });
const counting = (name) => (wrapped, instance, args) => {
  counts[name]++;
  return wrapped(...args);
};
exports.express = (express) => wrapFunctionWrapper(express.application, 'handle', counting('express'));
exports.greeter = (greeter) => wrapFunctionWrapper(greeter, 'greet', counting('greeter'));
exports.lib = (lib) => wrapFunctionWrapper(lib, 'twice', counting('lib'));
exports.fs = (fs) => wrapFunctionWrapper(fs, 'existsSync', counting('fs'));
