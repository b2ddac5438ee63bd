// `node --import wrapt-hooks/register`: the same bootstrap as register.js (installs once).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
if (!require('./dist/thread.js').isLoaderThread()) require('./dist/preload.js').bootstrap('import');
