// A CommonJS express application, shipped as one bundled file. It knows nothing of wrapt-hooks:
// it starts a server on a free port, asks itself for three pages, prints what it got and exits.
const express = require('express');

const app = express();
app.get('/hello/:name', (req, res) => {
  res.send(`hello ${req.params.name}`);
});
app.get('/slow', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 25));
  res.json({ slow: true });
});

const server = app.listen(0, '127.0.0.1', async (error) => {
  if (error) throw error;
  const { port } = server.address();
  try {
    for (const path of ['/hello/ada', '/slow', '/missing']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = response.status === 200 ? await response.text() : '(no page)';
      console.log(`client: ${path} -> ${response.status} ${body}`);
    }
  } finally {
    server.close();
  }
});
