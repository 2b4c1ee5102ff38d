/**
 * Raw HTTP/1.1 over a socket, for requests an HTTP client would normalise or refuse to send
 * (absolute-form targets, dot segments, broken bytes, malformed framing).
 */
import { connect } from 'node:net';

/** Sends `request` as raw bytes to the server at `baseUrl` and returns everything it wrote before closing. */
export function rawRequest(baseUrl: string, request: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => socket.end(request));
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (response += chunk));
    socket.on('close', () => resolve(response));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(response) : reject(error)));
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first response in `text` (status, lower-cased headers, body as sent — not de-chunked). */
export function parseRawResponse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body: split < 0 ? '' : text.slice(split + 4) };
}

/** A problem answered on a raw socket: status, media type and the parsed body. */
export function problemOf(text: string): { status: number; contentType: string; body: Record<string, unknown> } {
  const response = parseRawResponse(text);
  return { status: response.status, contentType: response.headers['content-type'] ?? '', body: JSON.parse(response.body) as Record<string, unknown> };
}
