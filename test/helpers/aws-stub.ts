/**
 * A local stand-in for AWS endpoints, for end-to-end tests of the built binary through real HTTP
 * (the CLI honours AWS_ENDPOINT_URL). It speaks just enough of three protocols: AWS Query (STS,
 * CloudFormation: form body in, XML out), REST JSON (API Gateway) and REST XML (S3). Handlers are
 * keyed by Query action ("GetCallerIdentity") or "METHOD /path" (path without query string).
 * Every request is recorded so a test can assert nothing mutating was sent. A handler keyed "*"
 * answers every request that has no handler of its own.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** For Query protocol: the Action; otherwise "METHOD /path". */
  operation: string;
  params: Record<string, string>;
  body: string;
}

export type StubReply =
  | { query: Record<string, unknown> } // AWS Query: serialised as <ActionResponse><ActionResult>…
  | { json: unknown; status?: number }
  | { xml: string; status?: number }
  /** Not AWS at all: a proxy's or a wrong endpoint's page. */
  | { html: string; status: number }
  | { error: { code: string; message: string; status: number; protocol: 'query' | 'json' | 'xml' } };

export type StubHandler = (req: StubRequest) => StubReply;

export interface AwsStub {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

function toXml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsStub(handlers: Record<string, StubHandler>): Promise<AwsStub> {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://stub');
      const query = Object.fromEntries(url.searchParams);
      const isForm = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      const params = isForm ? Object.fromEntries(new URLSearchParams(body)) : {};
      // Path-style S3 requests put a slash after the bucket name; handlers are keyed without it.
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
      const operation = isForm && params.Action ? params.Action : `${req.method} ${path}`;
      const record: StubRequest = { method: req.method ?? 'GET', path, query, operation, params, body };
      requests.push(record);
      const handler = handlers[operation] ?? handlers['*'];
      if (!handler) {
        res.writeHead(501, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `stub has no handler for ${operation}` }));
        return;
      }
      const reply = handler(record);
      if ('query' in reply) {
        const action = params.Action ?? '';
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<${action}Response xmlns="https://stub/"><${action}Result>${toXml(reply.query)}</${action}Result><ResponseMetadata><RequestId>stub-req</RequestId></ResponseMetadata></${action}Response>`,
        );
      } else if ('json' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json));
      } else if ('html' in reply) {
        res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(reply.html);
      } else if ('xml' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/xml' });
        res.end(reply.xml);
      } else {
        const e = reply.error;
        if (e.protocol === 'json') {
          res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.code });
          res.end(JSON.stringify({ message: e.message }));
        } else if (e.protocol === 'query') {
          res.writeHead(e.status, { 'content-type': 'text/xml' });
          res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${toXml(e.message)}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`);
        } else {
          res.writeHead(e.status, { 'content-type': 'application/xml' });
          res.end(`<Error><Code>${e.code}</Code><Message>${toXml(e.message)}</Message></Error>`);
        }
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
