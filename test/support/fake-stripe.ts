import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test support: a local HTTP server standing in for api.stripe.com. It records every request (method,
 * path, query, headers, form-encoded body flattened to `a[b][0]` keys) and answers from a route table.
 * Point the gateway at it with `apiBase`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: IncomingMessage['headers'];
  /** Form fields as Stripe encodes them: `line_items[0][price_data][currency]` → `inr`. */
  form: Record<string, string>;
}

export type FakeRoute = (request: RecordedRequest, params: string[]) => { status?: number; body: unknown };

export interface FakeStripe {
  apiBase: { host: string; port: number; protocol: 'http' };
  requests: RecordedRequest[];
  /** Adds or replaces a route: `on('POST', /^\/v1\/refunds$/, () => ({ body: {...} }))`. */
  on(method: string, path: RegExp, route: FakeRoute): void;
  /** Forgets recorded requests and routes (call before each test). */
  reset(): void;
  /** Requests whose "METHOD /path" matches. */
  calls(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function record(req: IncomingMessage, body: string): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
  const form: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) form[k] = v;
  return { method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers, form };
}

/** `POST /v1/prices` as Stripe answers it: the Price made from the form (`price_1`, `price_2`, …), product inline. */
function createPrice(n: number, form: Record<string, string>) {
  return {
    id: `price_${n}`,
    object: 'price',
    active: true,
    currency: form.currency,
    unit_amount: Number(form.unit_amount),
    tax_behavior: form.tax_behavior ?? 'unspecified',
    type: 'recurring',
    recurring: { interval: form['recurring[interval]'], interval_count: Number(form['recurring[interval_count]'] ?? 1) },
    product: `prod_${n}`,
  };
}

/**
 * Starts the fake on a free localhost port. `POST /v1/prices` makes a Price (`createPrice`) unless a test routes it;
 * other unknown routes answer Stripe's 404 error shape.
 */
export async function startFakeStripe(): Promise<FakeStripe> {
  const routes: { method: string; path: RegExp; route: FakeRoute }[] = [];
  const requests: RecordedRequest[] = [];
  let prices = 0;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded = record(req, body);
      requests.push(recorded);
      const match = [...routes].reverse().find((r) => r.method === recorded.method && r.path.test(recorded.path));
      const answer = match
        ? match.route(recorded, [...(match.path.exec(recorded.path) ?? [])].slice(1))
        : recorded.method === 'POST' && recorded.path === '/v1/prices'
          ? { body: createPrice(++prices, recorded.form) }
          : {
              status: 404,
              body: {
                error: { type: 'invalid_request_error', message: `Unrecognized request URL (${recorded.method}: ${recorded.path})` },
              },
            };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'request-id': `req_${requests.length}` });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    on(method, path, route) {
      routes.push({ method, path, route });
    },
    reset() {
      requests.length = 0;
      routes.length = 0;
    },
    calls(method, path) {
      return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // the SDK keeps connections alive
      }),
  };
}
