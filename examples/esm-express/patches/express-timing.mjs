// Loaded only when the application first imports `express`, before the application gets it.
// `express` is CommonJS, so the patch receives its module.exports (the `express` function)
// whether the app wrote `import express from 'express'` or `require('express')`.
import { wrapFunctionWrapper } from 'wrapt-hooks';

export default function timeRequests(express, info) {
  console.error(`[timing] patching ${info.name}@${info.version} (${info.format})`);
  // Every application copies `express.application` when `express()` creates it, so wrapping
  // `handle` here times every request of every app created after the import.
  wrapFunctionWrapper(express.application, 'handle', (wrapped, app, args) => {
    const [req, res, next] = args;
    // Mounted sub-applications are called with a `next`: time only the outermost app.
    if (next === undefined) {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        // req.route is the route that answered, if one did: "/hello/:name".
        const route = req.route ? ` (route ${req.route.path})` : '';
        console.error(`[timing] ${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(1)}ms${route}`);
      });
    }
    return wrapped(...args);
  });
}
