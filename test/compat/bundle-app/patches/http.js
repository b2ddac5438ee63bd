module.exports = function patchHttp(http, info) {
  console.log(`[patch] http ${info.format}`);
};
