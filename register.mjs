// `node --import wrapt-hooks/register`: the same bootstrap as register.js (installs once).
// node:module from process.getBuiltinModule (Node 20.16+) rather than an `import` of it, which
// makes an ES module facade of all of its exports at every start (0.3 M instructions).
const getBuiltin = process.getBuiltinModule;
const { createRequire } = getBuiltin === undefined ? await import('node:module') : getBuiltin('node:module');
createRequire(import.meta.url)('./dist/start.js').start('import');
