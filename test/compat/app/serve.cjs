// The application's work, the same for the ES module and CommonJS entries: one request to an
// express route on an unused loopback port, then what each side did.
const http = require('node:http');

module.exports = function serve({ express, greet, twice, existsSync }) {
  const app = express();
  let evidence = 'none';
  app.get('/users/:id', (req, res) => {
    evidence = agentEvidence(express);
    res.send(`${greet(req.params.id)} ${twice(21)} ${existsSync('/')}`);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: '/users/7' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        console.log(`app: ${res.statusCode} ${body}`);
        server.close(() =>
          setTimeout(() => {
            const counts = globalThis.wraptCounts ?? {};
            console.log(`wrapt-hooks: ${['express', 'greeter', 'lib', 'fs'].map((name) => `${name}=${counts[name] ?? 0}`).join(' ')}`);
            if (globalThis.sentryTransactions !== undefined) evidence = `sentry ${globalThis.sentryTransactions.join(',')}`;
            console.log(`agent: ${evidence}`);
          }, 100),
        );
      });
    });
  });
};

/** What the agent in this process did to the request, as the agent's own API tells. */
function agentEvidence(express) {
  const span = globalThis._ddtrace?.scope().active();
  if (span) return `dd-trace ${span.context()._name}`;
  if (express.Router.use.__wrapped === true) return 'opentelemetry express wrapped';
  if (globalThis.otherAgentHooks !== undefined) return `iitm hooks=${globalThis.otherAgentHooks}`;
  return 'none';
}
