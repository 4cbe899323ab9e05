// The quick start's stand-in for the platform's app: answers every request with what it received,
// so you can see which custom domain and upstream Caddy routed it as.
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_UPSTREAM_PORT ?? 9000);
createServer((req, res) => {
  const body = {
    message: 'hello from the caddy-fleet demo upstream',
    host: req.headers.host,
    custom_domain: req.headers['x-custom-domain'],
    upstream: req.headers['x-caddy-fleet-upstream'],
    client: req.headers['x-forwarded-for'],
    path: req.url,
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}).listen(port, '127.0.0.1');
