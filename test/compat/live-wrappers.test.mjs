// Real packages whose functions keep state on themselves or whose exports cannot be replaced in
// place, traced without a patch file (docs/patches-and-api.md, "What a wrapper is"):
// - ws: `toBuffer` sets `toBuffer.readOnly` at each call and the sender reads it through the
//   traced function right after; a wrapper that did not see it live made the client mask the
//   caller's buffer in place (user data changed). A real client and server on 127.0.0.1.
// - zod 4: its CommonJS entry holds `string` as a read-only, non-configurable property; the trace
//   goes into a copy of the exports made at zod's first load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, makeApp, runNodeAsync } from '../helpers.mjs';

test('ws: a trace on lib/buffer-util.js#toBuffer leaves the data the client sends unchanged', async () => {
  const app = makeApp({
    real: ['ws'],
    files: {
      'app.js': `
        const { WebSocketServer, WebSocket } = require('ws');
        const server = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
          const client = new WebSocket('ws://127.0.0.1:' + server.address().port);
          const payload = Buffer.from('hello from the client');
          client.on('open', () => client.send(payload, { binary: true }, () => console.log('sent, caller still holds: ' + payload)));
          client.on('message', (data) => {
            console.log('echoed: ' + data);
            client.close();
            server.close();
          });
        });
        server.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
      `,
    },
  });
  const result = await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_TRACE: 'ws/lib/buffer-util.js#toBuffer' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), ['sent, caller still holds: hello from the client', 'echoed: hello from the client']);
  assert.match(result.stderr, /wrapt-hooks: trace ws\/lib\/buffer-util\.js#toBuffer\(<Buffer 68 65 6c 6c 6f/);
});

test('zod: a trace on zod#string, a read-only non-configurable export, applies through a copy of the exports', async () => {
  const app = makeApp({
    real: ['zod'],
    files: {
      'app.js': `
        const z = require('zod');
        const schema = z.object({ name: z.string() });
        console.log(JSON.stringify(schema.parse({ name: 'ada' })), require('wrapt-hooks').isWrapped(z.string));
      `,
    },
  });
  const result = await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_TRACE: 'zod#string', WRAPT_HOOKS_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), ['{"name":"ada"} true']);
  assert.match(result.stderr, /wrapt-hooks: trace zod#string\(\) -> /);
  assert.match(
    result.stderr,
    /"string" cannot be replaced in place \(non-writable and non-configurable\); the module's exports are replaced by a copy holding the wrapper/,
  );
});
