'use strict';
// `node --require wrapt-hooks/register` (or NODE_OPTIONS): config -> lazy hooks, CommonJS and ESM.
if (!require('./dist/thread.js').isLoaderThread()) require('./dist/preload.js').bootstrap('require');
