// A real express application that also uses an ES-module-only package (nanoid), bundled by the
// compatibility suite with the wrapt-hooks esbuild plugin. It asks itself for two pages and exits.
import express from 'express';
import { nanoid } from 'nanoid';

const app = express();
app.get('/id', (req, res) => res.send(nanoid(8)));
app.get('/hello/:name', (req, res) => res.json({ hello: req.params.name }));

const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  try {
    for (const path of ['/id', '/hello/ada']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      console.log(`client: ${path} -> ${response.status} ${await response.text()}`);
    }
  } finally {
    server.close();
  }
});
