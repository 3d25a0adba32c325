import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder to a database that can go silent: from `silence()` on it
 * keeps every connection open and accepts new ones, but nothing passes either
 * way, as a database server that hangs (or a firewall dropping packets) does.
 */
export class SilentProxy {
  #server: Server | null = null;
  #silent = false;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async start(): Promise<number> {
    const server = createServer((client) => {
      this.#track(client);
      if (this.#silent) return;
      const upstream = connect(this.targetPort, this.host);
      this.#track(upstream);
      const forward = (from: Socket, to: Socket) => from.on('data', (chunk) => { if (!this.#silent) to.write(chunk); });
      forward(client, upstream);
      forward(upstream, client);
      for (const s of [client, upstream]) s.on('error', () => { client.destroy(); upstream.destroy(); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  silence(): void {
    this.#silent = true;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
