import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on loopback that a test can take down or silence, to play a database outage on a shared server. */
export interface TcpProxy {
  port: number;
  /** The server is down: stops listening and closes every connection (new ones are refused). */
  stop(): Promise<void>;
  /**
   * The network went silent: connections stay open and new ones are accepted (a stopped proxy listens again), but
   * nothing passes either way.
   */
  blackhole(): Promise<void>;
  /** Passes traffic again: listens again if stopped; silenced connections carry on where they were. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let silent = false;
  const links = new Set<Link>();

  const forward = (link: Link) => {
    link.upstream ??= connect(target.port, target.host);
    const { client, upstream } = link;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const pause = ({ client, upstream }: Link) => {
    client.unpipe();
    upstream?.unpipe();
    client.pause();
    upstream?.pause();
  };
  const server = createServer((client) => {
    const link: Link = { client };
    links.add(link);
    client.on('error', () => link.upstream?.destroy());
    client.on('close', () => {
      link.upstream?.destroy();
      links.delete(link);
    });
    if (silent) client.pause();
    else forward(link);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const { client, upstream } of links) {
        client.destroy();
        upstream?.destroy();
      }
    });
  return {
    port,
    stop,
    async blackhole() {
      silent = true;
      for (const link of links) pause(link);
      if (!server.listening) await listen(port);
    },
    async restore() {
      silent = false;
      if (!server.listening) await listen(port);
      for (const link of links) {
        if (link.upstream) {
          link.client.pipe(link.upstream);
          link.upstream.pipe(link.client);
          link.client.resume();
          link.upstream.resume();
        } else {
          forward(link);
          link.client.resume();
        }
      }
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
