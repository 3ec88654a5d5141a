import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL here) that a test can cut and restore:
 * `refuse` closes the port and drops every connection (ECONNREFUSED, "Connection terminated");
 * `blackhole` drops every connection and then accepts new ones without ever answering (connect
 * and query timeouts). `restore` forwards again.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(how: 'refuse' | 'blackhole'): Promise<void> {
    this.dropAll();
    if (how === 'refuse') await this.close();
    else this.mode = 'blackhole';
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    if (!this.server) await this.start();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await this.close();
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return client.on('data', () => undefined).on('error', () => undefined) as unknown as void;
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
