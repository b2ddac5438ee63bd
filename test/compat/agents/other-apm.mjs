// Another APM agent on import-in-the-middle 1.x (agents/iitm1), set up the way such agents
// document it: its loader for every module (no `include`), and a Hook on express.
import { createRequire, register } from 'node:module';

register('import-in-the-middle/hook.mjs', import.meta.url);
const { Hook } = createRequire(import.meta.url)('import-in-the-middle');
globalThis.otherAgentHooks = 0;
new Hook(['express'], () => {
  globalThis.otherAgentHooks++;
});
