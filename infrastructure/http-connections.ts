import { STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Logger } from 'pino';

/**
 * How long a keep-alive connection that is idle at shutdown stays open: a request its client sent just before the
 * signal may not have been read yet, and closing the connection under it would reset it unanswered. Idle
 * connections are closed after this, and again every time it passes until the server is closed.
 */
const IDLE_GRACE_MS = 500;

/** The status the client gets for what node's HTTP parser refuses; anything else is a 400. */
const STATUS_BY_PARSER_ERROR: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

export interface ServerConnections {
  /**
   * Stops accepting connections and closes the open ones without dropping a request: requests under way are
   * finished (their responses say `Connection: close`), requests arriving on open connections are answered with
   * `Connection: close`, idle connections are closed after a short grace. At `timeoutMs` every connection is closed.
   */
  close(timeoutMs: number): Promise<void>;
}

/** Takes charge of the connections of `server`: refuses malformed requests, and closes without dropping any. */
export function manageConnections(server: Server, logger: Logger): ServerConnections {
  refuseMalformedRequests(server, logger);
  const open = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_request, response: ServerResponse) => {
    if (closing) return lastOnItsConnection(response);
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return {
    close(timeoutMs) {
      closing = true;
      for (const response of open) lastOnItsConnection(response);
      return new Promise((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_GRACE_MS);
        const deadline = setTimeout(() => {
          logger.warn({ timeoutMs }, 'in-flight requests still open at the shutdown deadline; closing them');
          server.closeAllConnections();
        }, timeoutMs);
        // net's close, not http's: http.Server.close() also closes idle connections at once, grace or not.
        NetServer.prototype.close.call(server, () => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
      });
    },
  };
}

/** The response closes its connection once sent (unless its headers are out already; the sweep gets those). */
function lastOnItsConnection(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}

/**
 * A request node's parser refuses (a header block over the limit, broken chunked encoding...) gets its status and a
 * warning in the log: the client's mistake, not the service's failure.
 */
function refuseMalformedRequests(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // ECONNRESET: the client went away; nobody is left to answer.
    if (error.code !== 'ECONNRESET' && socket.writable) {
      const status = STATUS_BY_PARSER_ERROR[error.code ?? ''] ?? 400;
      // Code and message only: the error's rawPacket holds the request's own bytes, Authorization header included.
      logger.warn(
        { status, code: error.code, reason: error.message, remoteAddress: socket.remoteAddress },
        'malformed HTTP request refused',
      );
      const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (!response?.headersSent) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
}
