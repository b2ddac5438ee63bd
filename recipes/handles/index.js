'use strict';
// The handles recipe's functions, from the preload bundle (src/recipes/), so that they share its
// trace writer.
module.exports = require('../../dist/preload.js').recipe('handles');
