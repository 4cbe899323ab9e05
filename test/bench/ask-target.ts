// A child process serving ask for the benchmark, in one of two modes:
//   caddy-fleet <db>  the real ask listener (decideAsk + SQLite lookup)
//   bare-set    <db>  a bare node:http server answering from an in-memory Set of the same names
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { createAskServer } from '../../control-plane/ask/ask-server.ts';
import { decideAsk } from '../../control-plane/ask/decide-ask.ts';
import { createHostnamePolicy } from '../../control-plane/hostname/index.ts';
import { listen } from '../../control-plane/listen.ts';
import { openStore } from '../../control-plane/store/store.ts';

const [mode, db] = process.argv.slice(2);
let server: import('node:http').Server;
if (mode === 'caddy-fleet') {
  const store = openStore(db!);
  const policy = createHostnamePolicy(['saas.example.net']);
  server = createAskServer((q) => decideAsk(q, (h) => store.domains.askStatus(h), policy));
} else {
  const raw = new Database(db!, { readonly: true });
  const active = new Set(raw.prepare("SELECT hostname FROM domains WHERE status = 'active'").pluck().all() as string[]);
  raw.close();
  server = createServer((req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const name = new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('domain');
    const status = name && active.has(name.toLowerCase()) ? 200 : 404;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': 3 });
    res.end(status === 200 ? 'ok\n' : 'no\n');
  });
}
const address = await listen(server, '127.0.0.1:0');
process.stdout.write(`${address}\n`);
