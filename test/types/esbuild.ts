// Type tests of `wrapt-hooks/esbuild` (the bundler plugin), through the package's "exports" map.
import * as esbuild from 'esbuild';
import { wraptHooks, type WraptHooksOptions } from 'wrapt-hooks/esbuild';

const plugin: esbuild.Plugin = wraptHooks();
const options: WraptHooksOptions = { config: 'deploy/.wrapt-hooksrc.json' };
void esbuild.build({ entryPoints: ['server.js'], bundle: true, platform: 'node', plugins: [plugin, wraptHooks(options), wraptHooks({})] });

// @ts-expect-error `config` is the path of a config file
wraptHooks({ config: { patches: {} } });
// @ts-expect-error there is no such option
wraptHooks({ configFile: '.wrapt-hooksrc.json' });
