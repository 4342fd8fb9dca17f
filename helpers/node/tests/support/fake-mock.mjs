// A stand-in for the auth0-mock binary, for the discovery tests: the same banner line, /healthz
// and discovery, nothing else. It records how it was started in FAKE_MOCK_RECORD.
//
// FAKE_MOCK_MODE=crash makes it fail at start-up the way a bad fixtures directory does.

import fs from 'node:fs';
import http from 'node:http';

const argv = process.argv.slice(2);
if (process.env.FAKE_MOCK_RECORD) {
  fs.writeFileSync(process.env.FAKE_MOCK_RECORD, JSON.stringify({ argv, cwd: process.cwd(), pid: process.pid }));
}
if (process.env.FAKE_MOCK_MODE === 'crash') {
  console.error('error: fixtures/tenant.yaml: clients[0].name: missing field');
  process.exit(2);
}

const portAt = argv.indexOf('--port');
const port = portAt >= 0 ? Number(argv[portAt + 1]) : 4455;
const server = http.createServer((req, res) => {
  const issuer = `http://localhost:${server.address().port}/`;
  if (req.url === '/healthz') return res.end('OK');
  if (req.url === '/.well-known/openid-configuration') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ issuer }));
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not_found', error_description: `the fake has no ${req.url}` }));
});
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://localhost:${server.address().port}/`;
  process.stdout.write(`\nauth0-mock is serving a fake tenant\n\n  Domain / issuer     ${issuer}\n\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
