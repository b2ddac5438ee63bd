// Prototype hooks module for Node 20's off-thread loader (bench only, see floor-preload.cjs):
// imports nothing, checks each resolved module against the targets, and would load
// import-in-the-middle's create-hook.mjs (with `await import`) only when a target appears.
let include = new Set();

export function initialize(data) {
  include = new Set(data?.include ?? []);
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (include.has(specifier) || (result.url.startsWith('node:') && include.has(result.url.slice(5)))) {
    // here: const { createHook } = await import('import-in-the-middle/create-hook.mjs'); and delegate
  }
  return result;
}
