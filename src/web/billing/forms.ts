import { checkForm, form, id, keyword, text, type FormRead } from '../http/forms.js';
import { HttpProblem } from '../http/errors.js';

/**
 * The billing pages' query strings, path parameters and hidden fields, as schemas for the form helper
 * (`src/web/http/forms.ts`). What names a thing (a plan, a subscription, an invoice, a test gateway record)
 * and does not pass its check is answered as a thing that does not exist: 404, never a 500.
 */

/** A plan's slug, as plans are stored. */
export const SLUG = '^[a-z0-9][a-z0-9-]{0,119}$';
const NO_PLAN = 'There is no such plan.';
const NO_SUBSCRIPTION = 'There is no such subscription on your account.';

/** Pages that take nothing (a query string, or a form whose only field is the CSRF token). */
export const NoFields = form({});

export const PlanParams = form({ plan: text({ maxLength: 120, pattern: SLUG, messages: { invalid: NO_PLAN } }) });

/** Where the gateway sends the buyer back: our subscription id, and whether the first payment was declined. */
export const CompleteQuery = form({
  subscription: id({ invalid: 'There is no such subscription.' }),
  declined: keyword(['1']),
});

/** Razorpay Checkout's signed ids (pay_…, sub_…) and hex signature: short tokens, anything else is not theirs. */
const GATEWAY_TOKEN = text({
  maxLength: 100,
  pattern: '^[A-Za-z0-9_]{1,100}$',
  messages: { invalid: 'That payment could not be confirmed.' },
});
export const RazorpayCallbackForm = form({
  razorpay_payment_id: GATEWAY_TOKEN,
  razorpay_subscription_id: GATEWAY_TOKEN,
  razorpay_signature: GATEWAY_TOKEN,
});

export const SubscriptionQuery = form({ notice: keyword(['cancelled', 'resumed', 'method-updated']) });
/** Cancel and undo: the subscription named by the form's hidden field. */
export const SubscriptionForm = form({ subscription: id({ invalid: NO_SUBSCRIPTION }) });
export const ChangePlanForm = form({
  subscription: id({ invalid: NO_SUBSCRIPTION }),
  plan: text({ maxLength: 120, pattern: SLUG, messages: { invalid: NO_PLAN } }),
});

/** `/account/invoices/12` or `/account/invoices/12.pdf`. */
export const InvoiceParams = form({
  id: text({ maxLength: 14, pattern: '^\\d{1,10}(\\.pdf)?$', messages: { invalid: 'There is no such invoice.' } }),
});
const InvoiceId = form({ id: id() });

/** The invoice id and whether the PDF is asked for, from the path's `12` or `12.pdf`; null when it names no invoice. */
export function invoiceAddress(raw: string): { id: number; pdf: boolean } | null {
  const pdf = raw.endsWith('.pdf');
  const read = checkForm(InvoiceId, { id: pdf ? raw.slice(0, -4) : raw });
  return read.ok ? { id: read.values.id, pdf } : null;
}

/** Test gateway record ids: a prefix and 8–40 base64url characters. */
export const RecordParams = form({
  id: text({ maxLength: 44, pattern: '^(chk|sub)_[A-Za-z0-9_-]{8,40}$', messages: { invalid: 'There is no such test gateway page.' } }),
});
export const TestCheckoutForm = form({ choice: keyword(['card', 'upi', 'decline', 'abandon']), decline_renewals: keyword(['1']) });
export const TestMandateForm = form({ method: keyword(['card', 'upi']) });

/** The values of a read that names something, or the 404 a reader sees for an address that names nothing. */
export function valuesOr404<T>(read: FormRead<T>): T {
  if (!read.ok) throw new HttpProblem('not-found', read.messages[0] ?? 'Not found.');
  return read.values;
}

/** Whether text holds a C0 control character or DEL, which no name, address or reason needs. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
