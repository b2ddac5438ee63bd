'use strict';
// Preloaded before wrapt-hooks/register (`node -r require-timer.cjs -r wrapt-hooks/register app.js`):
// times every Module._load made while the next preloads run, as a tree of inclusive and self
// times, and prints it as JSON on fd 2 at exit, after a marker line. require-in-the-middle later
// replaces Module.prototype.require, not Module._load, so this sees every require, including
// builtins (`tty`) and require(esm) of .mjs files; the ES modules those import are counted in
// the time of the require that pulled them in.
const Module = require('module');
const { writeSync } = require('fs');

const originalLoad = Module._load;
const root = { id: '(preload)', self: 0, total: 0, children: [] };
let current = root;
let done = false;

Module._load = function timedLoad(request, parent, isMain) {
  if (done || isMain) return Reflect.apply(originalLoad, this, arguments);
  const node = { id: request, from: parent && parent.filename ? parent.filename : undefined, self: 0, total: 0, children: [] };
  const outer = current;
  outer.children.push(node);
  current = node;
  const start = performance.now();
  try {
    return Reflect.apply(originalLoad, this, arguments);
  } finally {
    node.total = performance.now() - start;
    current = outer;
  }
};

// The preload phase ends when the main module starts loading: Module.runMain -> _load(isMain).
const bootStart = performance.now();
const originalRunMain = Module.runMain;
let preloadMs;
Module.runMain = function timedRunMain() {
  preloadMs = performance.now() - bootStart;
  done = true;
  return Reflect.apply(originalRunMain, this, arguments);
};
// --import preloads run after --require ones and before the entry; for ESM entries
// runMain may not be called: fall back to the first tick.
setImmediate(() => {
  if (preloadMs === undefined) preloadMs = performance.now() - bootStart;
  done = true;
});

function finish(node) {
  node.self = node.total - node.children.reduce((sum, child) => sum + child.total, 0);
  for (const child of node.children) finish(child);
}

process.on('exit', () => {
  root.total = preloadMs ?? performance.now() - bootStart;
  finish(root);
  writeSync(2, `\n@@require-timer@@${JSON.stringify(root)}\n`);
});
