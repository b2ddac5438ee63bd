// Type tests of a config file (wrapt-hooks.config.ts / .mts): defineConfig keeps what was written
// and rejects what the config format does not have.
import { defineConfig, type Config } from 'wrapt-hooks';

const config = defineConfig({
  patches: {
    fs: './patches/fs.js#patchFs',
    express: [{ patch: './patches/express.js', versions: '>=4 <6' }, './patches/express-timing.js'],
    pg: { patch: 'wrapt-patches-pg#patch', enabled: false },
  },
  packages: ['wrapt-patches-tempfile-debugging'],
  trace: ['fs#mkdtempSync', { fn: 'pg#Client.prototype.query', stack: true }],
  strict: true,
});
const asConfig: Config = config;
void asConfig;

// @ts-expect-error unknown top-level key
defineConfig({ patch: { fs: './patches/fs.js' } });
// @ts-expect-error versions is a string range
defineConfig({ patches: { express: { patch: './patches/express.js', versions: 5 } } });
// @ts-expect-error a trace entry names its function in `fn`
defineConfig({ trace: [{ function: 'fs#mkdtempSync' }] });
// @ts-expect-error strict is a boolean
defineConfig({ strict: 'yes' });

export default config;
