import type { Server } from 'node:http';

export { freePort, freePorts } from '../../control-plane/fleet/free-ports.ts';

/** Listens on 127.0.0.1 port 0 and returns the port. */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('server has no port'));
    });
  });
}

/** Closes the server, dropping idle keep-alive connections first. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
