'use strict';
// An application that creates temporary directories. It knows nothing of wrapt-hooks: the patch
// package wrapt-patches-tempfile-debugging is switched on from outside (see README.md).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function makeScratchDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'demo-sync-'));
}

const dir = makeScratchDir();
console.log(`created ${path.basename(dir).replace(/-[^-]*$/, '-…')}`);
fs.rmSync(dir, { recursive: true });

fs.mkdtemp(path.join(os.tmpdir(), 'demo-async-'), (error, created) => {
  if (error) throw error;
  console.log(`created ${path.basename(created).replace(/-[^-]*$/, '-…')}`);
  fs.rmSync(created, { recursive: true });
});
