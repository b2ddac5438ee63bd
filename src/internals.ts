// The internal modules, for the in-process tests over the built package (test/unit/): each
// is reached as `require('wrapt-hooks/dist/preload.js').internals().<room>.<name>`. Not a
// public interface: names here change without notice. Loaded only when asked for.
export * as bootstrap from './bootstrap';
export * as env from './env';
export * as errors from './errors';
export * as globalState from './global-state';
export * as registry from './core/registry';
export * as targets from './core/targets';
export * as match from './core/match';
export * as versions from './core/versions';
export * as patchLoader from './core/patch-loader';
export * as disable from './core/disable';
export * as trust from './core/trust';
export * as search from './config/search';
export * as read from './config/read';
export * as validate from './config/validate';
export * as plan from './config/plan';
export * as discovery from './config/discovery';
export * as traceFormat from './trace/format';
export * as trace from './trace/register';
export * as traceOptions from './trace/options';
export * as traceOutput from './trace/output';
export * as traceWriter from './trace/writer';
export * as traceSummary from './trace/summary';
export * as recipeDiscover from './recipes/discover';
export * as recipeSql from './recipes/sql';
export * as recipeChildProcess from './recipes/child-process';
export * as cliRun from './cli/run';
export * as esm from './hooks/esm';
export * as esmWrapper from './hooks/esm-wrapper';
export * as bundled from './core/bundled';
export * as bundleCodegen from './bundlers/codegen';
export * as bundleDetect from './bundlers/detect';
export * as bundleRuntime from './bundlers/runtime';
