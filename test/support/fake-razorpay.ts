import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for api.razorpay.com with the behaviour Razorpay documents, for integration tests:
 *
 * - plans and subscriptions are created as the API creates them (`created` until the first charge);
 * - `PATCH /v1/subscriptions/:id` (Update a Subscription) is refused for a subscription paid by UPI or e-mandate
 *   with the documented error: 400 BAD_REQUEST_ERROR "subscriptions cannot be updated when payment mode is UPI";
 * - `POST /v1/subscriptions/:id/cancel` with `cancel_at_cycle_end` keeps it active and cancels at the cycle end;
 *   without it, cancels at once; a cancelled subscription cannot be cancelled again (terminal state);
 * - refunds start `pending`: the test decides whether `refund.processed` or `refund.failed` follows;
 * - `halt` / `activate` / `pause` / `resume` move a subscription as Razorpay's states page describes.
 *
 * `fail(method, path)` makes the next matching call answer 500, as an outage would.
 */
export interface FakeSubscription {
  id: string;
  status: string;
  plan_id: string;
  notes: Record<string, string>;
  payment_method: 'card' | 'upi' | 'emandate' | null;
  current_start: number | null;
  current_end: number | null;
  cancel_at_cycle_end: boolean;
  short_url: string;
}
export interface FakeRefund {
  id: string;
  payment_id: string;
  amount: number;
  status: 'pending' | 'processed' | 'failed';
  notes: Record<string, string>;
}
interface Call {
  method: string;
  path: string;
  body: Record<string, any> | null;
}

export async function startFakeRazorpay() {
  let sequence = 0;
  const id = (prefix: string) => `${prefix}_${String(++sequence).padStart(14, '0')}`;
  const plans = new Map<string, Record<string, unknown>>();
  const subs = new Map<string, FakeSubscription>();
  const refunds: FakeRefund[] = [];
  const payments = new Map<
    string,
    { id: string; subscription_id: string; amount: number; method: string; invoice: Record<string, unknown> }
  >();
  const calls: Call[] = [];
  const failing: { method: string; path: RegExp }[] = [];
  const error = (status: number, description: string) => [status, { error: { code: 'BAD_REQUEST_ERROR', description } }] as const;

  function route(method: string, path: string, query: URLSearchParams, body: Record<string, any> | null): readonly [number, unknown] {
    const failure = failing.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) {
      failing.splice(failure, 1);
      return [500, { error: { code: 'SERVER_ERROR', description: 'The server encountered an error.' } }];
    }
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/plans') {
      const plan = { id: id('plan'), entity: 'plan', ...body };
      plans.set(plan.id, plan);
      return [200, plan];
    }
    if (method === 'POST' && path === '/v1/subscriptions') {
      const sub: FakeSubscription = {
        id: id('sub'),
        status: 'created',
        plan_id: String(body?.plan_id),
        notes: (body?.notes ?? {}) as Record<string, string>,
        payment_method: null,
        current_start: null,
        current_end: null,
        cancel_at_cycle_end: false,
        short_url: 'https://rzp.io/i/standin',
      };
      subs.set(sub.id, sub);
      return [200, { entity: 'subscription', ...sub }];
    }
    if ((m = path.match(/^\/v1\/subscriptions\/([^/]+)(\/cancel)?$/))) {
      const sub = subs.get(m[1]!);
      if (!sub) return error(400, 'The id provided does not exist');
      if (method === 'POST' && m[2]) {
        if (sub.status === 'cancelled' || sub.status === 'completed')
          return error(400, 'Subscription cannot be cancelled in its current status');
        if (body?.cancel_at_cycle_end === 1 || body?.cancel_at_cycle_end === true) sub.cancel_at_cycle_end = true;
        else sub.status = 'cancelled';
      }
      if (method === 'PATCH') {
        // Update a Subscription, "Errors": UPI and e-mandate subscriptions cannot be updated.
        if (sub.payment_method === 'upi' || sub.payment_method === 'emandate') {
          return error(400, 'subscriptions cannot be updated when payment mode is UPI');
        }
        sub.plan_id = String(body?.plan_id);
      }
      return [200, { entity: 'subscription', ...sub }];
    }
    if (method === 'GET' && path === '/v1/invoices') {
      const items = [...payments.values()].filter((p) => p.subscription_id === query.get('subscription_id')).map((p) => p.invoice);
      return [200, { entity: 'collection', count: items.length, items }];
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/payments\/([^/]+)$/))) {
      const p = payments.get(m[1]!);
      if (!p) return error(400, 'The id provided does not exist');
      return [200, { id: p.id, entity: 'payment', amount: p.amount, currency: 'INR', status: 'captured', method: p.method }];
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/payments\/([^/]+)\/refund$/))) {
      const refund: FakeRefund = {
        id: id('rfnd'),
        payment_id: m[1]!,
        amount: Number(body?.amount),
        status: 'pending',
        notes: (body?.notes ?? {}) as Record<string, string>,
      };
      refunds.push(refund);
      return [200, { entity: 'refund', currency: 'INR', ...refund }];
    }
    return error(404, `no route ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = raw ? (JSON.parse(raw) as Record<string, any>) : null;
      calls.push({ method: req.method ?? '', path: url.pathname, body });
      const [status, answer] = route(req.method ?? '', url.pathname, url.searchParams, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const find = (subId: string) => {
    const sub = subs.get(subId);
    if (!sub) throw new Error(`no stand-in subscription ${subId}`);
    return sub;
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subs,
    refunds,
    calls: (method: string, path: RegExp) => calls.filter((c) => c.method === method && path.test(c.path)),
    fail: (method: string, path: RegExp) => void failing.push({ method, path }),
    /** A successful charge for the cycle [start, end] (seconds), on `method`; returns the payment id. */
    charge(subId: string, start: number, end: number, amount: number, method: 'card' | 'upi' | 'emandate' = 'card'): string {
      const sub = find(subId);
      Object.assign(sub, { status: 'active', current_start: start, current_end: end, payment_method: method });
      const paymentId = id('pay');
      const invoice = {
        id: id('inv'),
        entity: 'invoice',
        subscription_id: subId,
        status: 'paid',
        payment_id: paymentId,
        amount_paid: amount,
        currency: 'INR',
        billing_start: start,
        billing_end: end,
        paid_at: start,
      };
      payments.set(paymentId, { id: paymentId, subscription_id: subId, amount, method, invoice });
      return paymentId;
    },
    /** Retries exhausted (Payment Retries): halted, no more automatic charges. */
    halt: (subId: string) => void (find(subId).status = 'halted'),
    /** Active again after a halt, for the cycle [start, end]. */
    activate: (subId: string, start: number, end: number) =>
      void Object.assign(find(subId), { status: 'active', current_start: start, current_end: end }),
    pause: (subId: string) => void (find(subId).status = 'paused'),
    resume: (subId: string) => void (find(subId).status = 'active'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakeRazorpay = Awaited<ReturnType<typeof startFakeRazorpay>>;

/** Signs a webhook body as Razorpay does: hex HMAC-SHA256 of the raw body with the webhook secret. */
export function signRazorpay(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
