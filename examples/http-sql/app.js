'use strict';
// A quote service and its rate service in one process, asked for two quotes. Run it with the
// http and sql recipes to see every request, every query and which request made it:
//   npx wrapt-hooks run --recipe http,sql node app.js
const http = require('node:http');
const { quote } = require('./lib/quote');

const RATES = { EUR: 1.08 };

const server = http.createServer(async (req, res) => {
  const rate = /^\/rates\/(\w+)/.exec(req.url);
  if (rate !== null) {
    res.statusCode = RATES[rate[1]] === undefined ? 404 : 200;
    res.end(JSON.stringify({ usd: RATES[rate[1]] }));
    return;
  }
  const user = /^\/users\/(\d+)\/quote$/.exec(req.url);
  if (user === null) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const { port } = server.address();
  res.end(JSON.stringify({ user: Number(user[1]), usd: await quote(Number(user[1]), `http://127.0.0.1:${port}/rates`) }));
});

server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const user of [1, 3]) console.log(await (await fetch(`${base}/users/${user}/quote`)).text());
  server.close();
});
