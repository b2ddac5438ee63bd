// `node --import wrapt-hooks/register`: the same bootstrap as register.js (installs once).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./dist/start.js').start('import');
