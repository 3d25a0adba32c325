import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface LoopbackServer {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Closes the server, and the keep-alive connections a browser or fetch left open. */
  close(): Promise<void>;
}

/** Serves an app on 127.0.0.1 at a free port: real HTTP, nothing leaves the machine. */
export async function listenOnLoopback(app: Express | RequestListener): Promise<LoopbackServer> {
  const server = await new Promise<Server>((resolve) => {
    const s = (app as Express).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
