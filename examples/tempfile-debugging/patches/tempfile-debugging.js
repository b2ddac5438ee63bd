'use strict';
// Loaded only when the application first imports `fs`.
const { wrapFunctionWrapper } = require('wrapt-hooks');

function patchFs(fs, info) {
  console.log(`patching ${info.name}`);
  for (const name of ['mkdtemp', 'mkdtempSync']) {
    wrapFunctionWrapper(fs, name, (wrapped, instance, args) => {
      console.log(`calling ${name}(${JSON.stringify(args[0])})`);
      return wrapped(...args);
    });
  }
}

module.exports = { patchFs };
