'use strict';
// `node --require wrapt-hooks/register` (or NODE_OPTIONS): config -> lazy hooks, CommonJS and ESM.
require('./dist/start.js').start('require');
