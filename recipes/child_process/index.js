'use strict';
// The child_process recipe's patch functions, from the preload bundle (src/recipes/), so that they share
// its trace writer and request ids.
module.exports = require('../../dist/preload.js').recipe('child_process');
