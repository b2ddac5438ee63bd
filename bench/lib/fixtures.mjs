// Generates the benchmark applications under bench/.work/ (gitignored). Every app installs
// wrapt-hooks the way users do: node_modules/wrapt-hooks is a symlink to the repository, so
// `wrapt-hooks/register` resolves through the package's "exports" map.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The 20 targets of the benchmark config: 5 builtins, 14 packages, 1 file inside a package. */
export const TARGETS = [
  'http',
  'https',
  'net',
  'dns',
  'child_process',
  'express',
  'koa',
  'fastify',
  'pg',
  'mysql2',
  'redis',
  'ioredis',
  'mongodb',
  'mongoose',
  '@grpc/grpc-js',
  'graphql',
  'knex',
  'kafkajs',
  'amqplib',
  'express/lib/router/index.js',
];
/** The two targets the heavy apps load (fake packages with the same names). */
export const LOADED = ['pg', 'redis'];
/**
 * The real-package app: what it loads from bench/node_modules (installed from the npm registry by
 * bench/package.json), about 630 CommonJS modules in all; `fastify` is one of the 20 targets.
 */
export const REAL_PACKAGES = ['@aws-sdk/client-s3', 'fastify', 'webpack', 'eslint', 'sequelize'];

/** The config: every target gets a lazy patch; some carry a `versions` range, as real configs do. */
export function benchConfig() {
  const patches = {};
  TARGETS.forEach((target, index) => {
    const spec = `./patches/${LOADED.includes(target) ? target : 'unused'}.js#patch`;
    patches[target] = index % 4 === 1 ? { patch: spec, versions: index % 8 === 1 ? '>=1 <100' : '^1.0.0 || ^2.0.0' } : spec;
  });
  return { patches };
}

const PATCH_PG = `'use strict';
const { wrapFunctionWrapper } = require('wrapt-hooks');
let calls = 0;
exports.patch = function patch(pg) {
  wrapFunctionWrapper(pg, 'Client.prototype.query', (wrapped, instance, args) => { calls++; return wrapped(...args); });
  wrapFunctionWrapper(pg, 'connect', (wrapped, instance, args) => { calls++; return wrapped(...args); });
};
`;
const PATCH_REDIS = `'use strict';
const { wrapFunctionWrapper } = require('wrapt-hooks');
exports.patch = function patch(redis) {
  wrapFunctionWrapper(redis, 'createClient', (wrapped, instance, args) => wrapped(...args));
};
`;
const PATCH_UNUSED = `'use strict';
exports.patch = function patch() { throw new Error('never loaded: its target is not imported'); };
`;
// The real app's patches: fastify's factory wrapped (as an instrumentation would), and one that
// does nothing for the other targets, builtins included, that its packages load.
const PATCH_FASTIFY = `'use strict';
const { wrapFunctionWrapper } = require('wrapt-hooks');
exports.patch = function patch(fastify) {
  wrapFunctionWrapper(fastify, 'fastify', (wrapped, instance, args) => wrapped(...args));
};
`;
const PATCH_NOTHING = `'use strict';
exports.patch = function patch() {};
`;

/** The real app's config: the same 20 targets; fastify's patch wraps, the others' do nothing. */
export function realConfig() {
  const { patches } = benchConfig();
  for (const [target, entry] of Object.entries(patches)) {
    const spec = target === 'fastify' ? './patches/fastify.js#patch' : './patches/nothing.js#patch';
    patches[target] = typeof entry === 'string' ? spec : { ...entry, patch: spec };
  }
  return { patches };
}

// The line every app prints at exit (identical with and without the preload): peak RSS (KiB)
// and the CPU time the process used (user + system, µs, all threads).
const RSS_CJS = `process.on('exit', () => { const u = process.resourceUsage(); process.stdout.write('rss=' + u.maxRSS + ' cpu=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n`;

/** A generated module's body: a little of everything a real module has. */
function moduleBody(tag, esm) {
  const ex = esm ? 'export ' : '';
  const tail = esm ? `export default { ${tag}_fn, ${tag}_Class, ${tag}_TABLE };\n` : `module.exports = { ${tag}_fn, ${tag}_Class, ${tag}_TABLE };\n`;
  return `${ex}const ${tag}_TABLE = Object.freeze({ a: 1, b: '${tag}', c: [1, 2, 3], d: { nested: true } });
${ex}function ${tag}_fn(x, y = 2) {
  let total = 0;
  for (let i = 0; i < x; i++) total += (i * y) % 7;
  return total + ${tag}_TABLE.a;
}
${ex}class ${tag}_Class {
  constructor(options = {}) { this.options = { ...${tag}_TABLE, ...options }; this.count = 0; }
  get name() { return '${tag}'; }
  run(value) { this.count++; return typeof value === 'string' ? value.toUpperCase() : ${tag}_fn(value); }
  static create(options) { return new ${tag}_Class(options); }
}
${tail}`;
}

/**
 * Writes the fake target packages `pg` and `redis` (CommonJS or ESM).
 */
function writeTargets(dir, esm) {
  for (const name of LOADED) {
    const root = path.join(dir, 'node_modules', name);
    mkdirSync(root, { recursive: true });
    writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify(esm ? { name, version: '8.11.0', type: 'module', exports: './index.js' } : { name, version: '8.11.0', main: 'index.js' }),
    );
    const body =
      name === 'pg'
        ? `class Client { constructor(o) { this.o = o; } query(sql) { return 'rows:' + sql.length; } }
function connect(o) { return new Client(o); }
`
        : `function createClient(o) { return { o, get(k) { return k; } }; }
`;
    writeFileSync(
      path.join(root, 'index.js'),
      esm
        ? `${body}${name === 'pg' ? 'export { Client, connect };\nexport default { Client, connect };' : 'export { createClient };\nexport default { createClient };'}\n`
        : `'use strict';\n${body}module.exports = ${name === 'pg' ? '{ Client, connect }' : '{ createClient }'};\n`,
    );
  }
}

/** 40 packages of 25 modules (an index and 24 files): 1,000 modules, as a dependency tree looks. */
const PACKAGES = 40;
const FILES_PER_PACKAGE = 24;

function writeHeavyPackages(dir, esm) {
  for (let p = 0; p < PACKAGES; p++) {
    const name = `dep-${String(p).padStart(2, '0')}`;
    const root = path.join(dir, 'node_modules', name);
    mkdirSync(path.join(root, 'lib'), { recursive: true });
    writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify(esm ? { name, version: '1.0.0', type: 'module', exports: './index.js' } : { name, version: '1.0.0', main: 'index.js' }),
    );
    const lines = [];
    for (let f = 0; f < FILES_PER_PACKAGE; f++) {
      const tag = `p${p}f${f}`;
      writeFileSync(path.join(root, 'lib', `m${f}.js`), esm ? moduleBody(tag, true) : `'use strict';\n${moduleBody(tag, false)}`);
      lines.push(esm ? `import m${f} from './lib/m${f}.js';` : `const m${f} = require('./lib/m${f}.js');`);
    }
    const all = Array.from({ length: FILES_PER_PACKAGE }, (_, f) => `m${f}`).join(', ');
    writeFileSync(
      path.join(root, 'index.js'),
      esm
        ? `${lines.join('\n')}\nexport const modules = [${all}];\nexport default modules;\n`
        : `'use strict';\n${lines.join('\n')}\nmodule.exports = [${all}];\n`,
    );
  }
}

function linkPackage(dir, name, realPath) {
  const target = path.join(dir, 'node_modules', name);
  mkdirSync(path.dirname(target), { recursive: true });
  symlinkSync(realPath, target, 'dir');
}

function writeCommon(dir, root) {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  mkdirSync(path.join(dir, 'patches'), { recursive: true });
  linkPackage(dir, 'wrapt-hooks', root);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true }, null, 2));
  writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify(benchConfig(), null, 2));
  writeFileSync(path.join(dir, 'patches', 'pg.js'), PATCH_PG);
  writeFileSync(path.join(dir, 'patches', 'redis.js'), PATCH_REDIS);
  writeFileSync(path.join(dir, 'patches', 'unused.js'), PATCH_UNUSED);
}

// The real app: the five packages loaded and a little of each used, without a server, a network
// call or a database (sequelize's dialects load at connect). CommonJS requires, or ES imports.
const REAL_BODY = `const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
const put = new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' });
const linted = new Linter().verify('var a = 1;', {}).length;
const define = new webpack.DefinePlugin({ VERSION: JSON.stringify('1') });
class User extends Model {}
process.stdout.write('ok ' + [typeof fastify.fastify, typeof s3.send, typeof put.input, linted, typeof define.apply, typeof User.init, typeof DataTypes.STRING].join(' ') + '\\n');
`;

function writeRealApp(dir, root, benchModules) {
  writeCommon(dir, root);
  writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify(realConfig(), null, 2));
  writeFileSync(path.join(dir, 'patches', 'fastify.js'), PATCH_FASTIFY);
  writeFileSync(path.join(dir, 'patches', 'nothing.js'), PATCH_NOTHING);
  for (const name of REAL_PACKAGES) linkPackage(dir, name, path.join(benchModules, name));
  writeFileSync(
    path.join(dir, 'app.js'),
    `'use strict';
${RSS_CJS}const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const fastify = require('fastify');
const webpack = require('webpack');
const { Linter } = require('eslint');
const { Model, DataTypes } = require('sequelize');
${REAL_BODY}`,
  );
  writeFileSync(
    path.join(dir, 'app.mjs'),
    `${RSS_CJS}import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import fastify from 'fastify';
import webpack from 'webpack';
import { Linter } from 'eslint';
import { Model, DataTypes } from 'sequelize';
${REAL_BODY}`,
  );
}

/**
 * Creates every app; returns their directories.
 *   startup: app.js / app.mjs (nothing imported), empty-register.mjs (Node 20 reference loader),
 *            node_modules links to dd-trace and OpenTelemetry for the comparison rows.
 *   cjsHeavy: app.js requiring 40 packages (1,000 modules) and the pg / redis targets.
 *   esmHeavy: app.mjs importing the same, as ES modules.
 *   real: app.js / app.mjs loading the real packages (REAL_PACKAGES); undefined when they are not
 *         installed in bench/node_modules.
 */
export function makeApps({ work, root, benchModules }) {
  const stampFile = path.join(work, '.stamp');
  const real = REAL_PACKAGES.every((name) => existsSync(path.join(benchModules, name, 'package.json')));
  const stamp = JSON.stringify({ source: readFileSync(fileURLToPath(import.meta.url), 'utf8'), root, benchModules, real });
  const dirs = {
    startup: path.join(work, 'startup'),
    cjsHeavy: path.join(work, 'cjs-heavy'),
    esmHeavy: path.join(work, 'esm-heavy'),
    real: real ? path.join(work, 'real') : undefined,
  };
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dirs; // generated by this same code already
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });

  const s = dirs.startup;
  writeCommon(s, root);
  writeFileSync(
    path.join(s, 'app.js'),
    `'use strict';\n${RSS_CJS}const path = require('node:path');\nprocess.stdout.write('ok ' + path.basename(__filename) + '\\n');\n`,
  );
  writeFileSync(path.join(s, 'app.mjs'), `${RSS_CJS}import path from 'node:path';\nprocess.stdout.write('ok ' + path.basename(import.meta.url) + '\\n');\n`);
  // The smallest useful off-thread loader: module.register of a hooks module with no hooks.
  writeFileSync(path.join(s, 'empty-hooks.mjs'), `// no hooks: measures the fixed cost of Node's off-thread loader\nexport {};\n`);
  writeFileSync(path.join(s, 'empty-register.mjs'), `import { register } from 'node:module';\nregister('./empty-hooks.mjs', import.meta.url);\n`);
  for (const name of ['dd-trace', '@opentelemetry/auto-instrumentations-node']) {
    if (existsSync(path.join(benchModules, name))) linkPackage(s, name, path.join(benchModules, name));
  }

  const c = dirs.cjsHeavy;
  writeCommon(c, root);
  writeTargets(c, false);
  writeHeavyPackages(c, false);
  const cjsDeps = Array.from({ length: PACKAGES }, (_, p) => `require('dep-${String(p).padStart(2, '0')}')`).join(',\n  ');
  writeFileSync(
    path.join(c, 'app.js'),
    `'use strict';
${RSS_CJS}const deps = [
  ${cjsDeps},
];
const pg = require('pg');
const redis = require('redis');
let n = 0;
for (const list of deps) for (const m of list) n += m[Object.keys(m)[0]] === undefined ? 0 : 1;
const client = pg.connect({});
process.stdout.write('ok ' + n + ' ' + client.query('select 1') + ' ' + redis.createClient({}).get('k') + '\\n');
`,
  );

  const e = dirs.esmHeavy;
  writeCommon(e, root);
  writeTargets(e, true);
  writeHeavyPackages(e, true);
  const esmImports = Array.from({ length: PACKAGES }, (_, p) => `import d${p} from 'dep-${String(p).padStart(2, '0')}';`).join('\n');
  const esmList = Array.from({ length: PACKAGES }, (_, p) => `d${p}`).join(', ');
  writeFileSync(
    path.join(e, 'app.mjs'),
    `${RSS_CJS}${esmImports}
import { connect } from 'pg';
import { createClient } from 'redis';
let n = 0;
for (const list of [${esmList}]) for (const m of list) n += m[Object.keys(m)[0]] === undefined ? 0 : 1;
const client = connect({});
process.stdout.write('ok ' + n + ' ' + client.query('select 1') + ' ' + createClient({}).get('k') + '\\n');
`,
  );
  if (dirs.real) writeRealApp(dirs.real, root, benchModules);
  writeFileSync(stampFile, stamp);
  return dirs;
}

/** How many modules an app loads (for the report). */
export const HEAVY_MODULES = PACKAGES * (FILES_PER_PACKAGE + 1);
