// Bundled into dist/server.js with express, and evaluated only when the bundle first evaluates
// express: it receives express's module.exports (the `express` function), as it would unbundled.
const { wrapFunctionWrapper } = require('wrapt-hooks');

module.exports = function timeRequests(express, info) {
  console.error(`[timing] patching ${info.name}@${info.version} (${info.format})`);
  // Every application copies `express.application` when `express()` creates it, so wrapping
  // `handle` here times every request of every app created afterwards.
  wrapFunctionWrapper(express.application, 'handle', (wrapped, app, args) => {
    const [req, res, next] = args;
    // Mounted sub-applications are called with a `next`: time only the outermost app.
    if (next === undefined) {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const route = req.route ? ` (route ${req.route.path})` : '';
        console.error(`[timing] ${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(1)}ms${route}`);
      });
    }
    return wrapped(...args);
  });
};
