// The built library (dist/index.js, what `require('wrapt-hooks')` gives a user) and the helpers
// of the wrapper tests that drive it: test/unit/wrap-wrappers.test.mjs (how a call is wrapped)
// and test/unit/wrap-patches.test.mjs (where a wrapper goes).
import { createRequire } from 'node:module';
import { FIXTURES, ROOT, path } from '../helpers.mjs';

const require = createRequire(import.meta.url);

/** `require('wrapt-hooks')`, as a user's code gets it. */
export const lib = require(path.join(ROOT, 'dist', 'index.js'));

/** A fresh copy of a fixture package's exports (require cache bypassed). */
export function loadFixture(name) {
  const dir = path.join(FIXTURES, 'node_modules', name);
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
  return require(dir);
}

/** A wrapper that records what it was called with and passes the call through. */
export function recorder() {
  const calls = [];
  const wrapper = (wrapped, instance, args) => {
    calls.push({ instance, args });
    return wrapped(...args);
  };
  return { calls, wrapper };
}

/** A wrapper that passes the call through. */
export const pass = (wrapped, _instance, args) => wrapped(...args);
