import type { Static } from 'typebox';
import { field, type FormState } from '../http/forms.js';
import { hasControlCharacter } from '../billing/forms.js';
import { form, id, text, type FormRead } from '../http/forms.js';

/** The admin refund form: an amount in rupees (up to 2 decimals), read exactly into paise, and a reason. */

export const REASON_MAX = 200;
const AMOUNT_FORMAT = 'Enter rupees with at most 2 decimals and no commas, like 900 or 450.50.';

/** The refund form as the route declares it (form helper); the amount's exact reading is `readRefundForm`'s. */
export const RefundForm = form({
  amount: text({ maxLength: 30, messages: { maxLength: AMOUNT_FORMAT } }),
  reason: text({ maxLength: REASON_MAX + 50, messages: { maxLength: `Use at most ${REASON_MAX} characters.` } }),
});
export const PaymentParams = form({ id: id({ invalid: 'There is no such payment.' }) });

/** "900", "900.5", "900.50" → paise; anything else (commas, signs, ₹, exponents, 3 decimals) → null. No float arithmetic. */
export function parseRupees(raw: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Paise as the form shows them: "900" or "450.50". */
export function rupeesInput(minor: number): string {
  const rupees = Math.floor(minor / 100);
  const paise = minor % 100;
  return paise === 0 ? String(rupees) : `${rupees}.${String(paise).padStart(2, '0')}`;
}

export function readRefundForm(
  body: unknown,
): { ok: true; amountMinor: number; reason: string; typed: Record<string, string> } | { ok: false; form: FormState } {
  const typed = { amount: field(body, 'amount').slice(0, 30), reason: field(body, 'reason').slice(0, REASON_MAX + 50) };
  const errors: Record<string, string> = {};
  const amountMinor = parseRupees(typed.amount);
  if (!typed.amount.trim()) errors.amount = 'Enter the amount to refund, in rupees.';
  else if (amountMinor === null) errors.amount = AMOUNT_FORMAT;
  else if (amountMinor === 0) errors.amount = 'Enter an amount above ₹0.';
  const reason = typed.reason.trim().replace(/\s+/g, ' ');
  if (!reason) errors.reason = 'Say why the payment is refunded: it is recorded with the credit note.';
  else if (hasControlCharacter(reason)) errors.reason = 'Use letters, numbers, spaces and punctuation only.';
  else if (reason.length > REASON_MAX) errors.reason = `Use at most ${REASON_MAX} characters.`;
  if (Object.keys(errors).length > 0 || amountMinor === null) return { ok: false, form: { values: typed, errors } };
  return { ok: true, amountMinor, reason, typed };
}

/** The refund form as the form helper read it (`readForm(request, RefundForm)`), checked by `readRefundForm`. */
export function readRefund(read: FormRead<Static<typeof RefundForm>>): ReturnType<typeof readRefundForm> {
  if (read.ok) return readRefundForm(read.values);
  const rest = readRefundForm(read.form.values);
  return { ok: false, form: { values: read.form.values, errors: { ...(rest.ok ? {} : rest.form.errors), ...read.form.errors } } };
}
