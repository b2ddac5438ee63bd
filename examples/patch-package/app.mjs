// The same application as an ES module: named imports from node:fs are patched too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'demo-esm-'));
console.log(`created ${path.basename(dir).replace(/-[^-]*$/, '-…')}`);
rmSync(dir, { recursive: true });
