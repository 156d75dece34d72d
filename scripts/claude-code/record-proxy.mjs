#!/usr/bin/env node
// A recording proxy on loopback: every request body to /v1/messages is written to DIR as
// NNN.json (method, path, the anthropic-* headers, body), then forwarded to the simulated model
// at TARGET and its answer passed back unchanged. Used to record Claude Code's requests for the
// fixtures in packages/sim-model/fixtures (see scripts/claude-code/README.md).
// Usage: node scripts/claude-code/record-proxy.mjs DIR TARGET_URL [PORT]
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const [dir, target, port = '0'] = process.argv.slice(2);
if (!dir || !target) {
  process.stderr.write('usage: record-proxy.mjs DIR TARGET_URL [PORT]\n');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
let count = 0;
const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(parts);
    const n = String(++count).padStart(3, '0');
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('anthropic-')));
    let json = null;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {}
    writeFileSync(`${dir}/${n}.json`, JSON.stringify({ method: req.method, path: req.url, headers, body: json }, null, 2));
    const forward = { ...req.headers };
    delete forward.host;
    delete forward['content-length'];
    delete forward['accept-encoding'];
    try {
      const answer = await fetch(new URL(req.url, target), {
        method: req.method,
        headers: forward,
        body: req.method === 'GET' ? undefined : body,
      });
      res.writeHead(
        answer.status,
        Object.fromEntries(
          [...answer.headers].filter(([k]) => k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding'),
        ),
      );
      for await (const chunk of answer.body ?? []) res.write(chunk);
      res.end();
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
