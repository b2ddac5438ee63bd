// A minimal agent on whichever copy of import-in-the-middle the application's directory has
// (agents/iitm1, iitm2, iitm3): its loader for esm-greeter and a Hook that prefixes `greet`.
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(path.join(process.cwd(), 'app.mjs'));
register(pathToFileURL(require.resolve('import-in-the-middle/hook.mjs')).href, import.meta.url, { data: { include: ['esm-greeter'] } });
const { Hook } = require('import-in-the-middle');
globalThis.otherAgentHooks = 0;
new Hook(['esm-greeter'], (namespace) => {
  globalThis.otherAgentHooks++;
  const original = namespace.greet;
  namespace.greet = (...args) => `[agent] ${original(...args)}`;
});
