// The in-process layer (test/unit/*.test.mjs) in one test process: each file is a module of this
// one, imported in name order. A process of its own per file cost the runner about 0.35
// CPU-seconds each (starting Node, node:test and the built package again), a tenth of the suite's
// time on Node 20 for files that spawn nothing. They all drive the same built package
// (test/unit/internals.mjs). Each file still runs alone: `node --test test/unit/config-plan.test.mjs`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'unit');
for (const name of readdirSync(dir)
  .filter((file) => file.endsWith('.test.mjs'))
  .sort())
  await import(pathToFileURL(path.join(dir, name)).href);
