const { wrapFunctionWrapper } = require('wrapt-hooks');

module.exports = function patchExpress(express, info) {
  console.log(`[patch] express ${JSON.stringify(info)}`);
  wrapFunctionWrapper(express.application, 'handle', (wrapped, app, args) => {
    const [req, res, next] = args;
    if (next === undefined) res.once('finish', () => console.log(`[patch] handled ${req.method} ${req.originalUrl} ${res.statusCode}`));
    return wrapped(...args);
  });
};
