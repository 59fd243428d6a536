import { isEmail, normaliseEmail } from '../accounts/model.js';
import { addTerm } from '../billing/lifecycle.js';
import { dayIn, dayOfDate } from '../time/zoned.js';
import { DELIVERY_HORIZON, DELIVERY_HOUR, GIFT_LIMITS } from './model.js';

/** What the gift form asks, as typed. */
export interface GiftOrderInput {
  recipient_email: string;
  recipient_name: string;
  message: string;
  /** `now`, or `date` with `deliver_on` (YYYY-MM-DD in the publisher's time zone). */
  deliver: string;
  deliver_on: string;
}

export interface GiftOrder {
  recipientEmail: string;
  recipientName: string;
  message: string;
  deliverAt: Date;
}

/** Whether text holds a C0 control character or DEL; `lines`: line breaks and tabs are allowed (a message). */
function hasControl(value: string, lines: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (lines && (code === 0x0a || code === 0x09)) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Characters as PostgreSQL's length() counts them (code points), which the table's check uses. */
function characters(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const before = i > 0 ? value.charCodeAt(i - 1) : 0;
    // The second half of a surrogate pair belongs to the character before it.
    if (!(code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff)) count++;
  }
  return count;
}

/**
 * Checks the gift form: a real-looking address, a name, a message of at most 500 characters, and a delivery
 * now or on a day from today to a year ahead in the publisher's time zone (a later day is emailed at 08:00
 * there; today means now). Returns the order or a message per field.
 */
export function checkGiftOrder(
  input: GiftOrderInput,
  now: Date,
  timeZone: string,
): { ok: true; order: GiftOrder } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const email = normaliseEmail(input.recipient_email);
  if (!email) errors.recipient_email = 'Enter the email address to send the gift to.';
  else if (!isEmail(email)) errors.recipient_email = 'Enter an email address like name@example.com.';
  const name = input.recipient_name.trim().replace(/\s+/g, ' ');
  if (!name) errors.recipient_name = 'Enter the name of the person you give it to.';
  else if (name.length > GIFT_LIMITS.name) errors.recipient_name = `Use at most ${GIFT_LIMITS.name} characters.`;
  else if (hasControl(name, false)) errors.recipient_name = 'Use letters, numbers, spaces and punctuation only.';
  const message = input.message.replace(/\r\n/g, '\n').trim();
  if (characters(message) > GIFT_LIMITS.message) errors.message = `Keep the message to ${GIFT_LIMITS.message} characters or fewer.`;
  else if (hasControl(message, true)) errors.message = 'Use letters, numbers, spaces and punctuation only.';
  const deliverAt = deliveryTime(input, now, timeZone);
  if (!deliverAt.ok) errors[deliverAt.field] = deliverAt.error;
  if (Object.keys(errors).length > 0 || !deliverAt.ok) return { ok: false, errors };
  return { ok: true, order: { recipientEmail: email, recipientName: name, message, deliverAt: deliverAt.at } };
}

function deliveryTime(
  input: Pick<GiftOrderInput, 'deliver' | 'deliver_on'>,
  now: Date,
  timeZone: string,
): { ok: true; at: Date } | { ok: false; field: string; error: string } {
  if (input.deliver === 'now') return { ok: true, at: now };
  if (input.deliver !== 'date') return { ok: false, field: 'deliver', error: 'Choose when to send the gift.' };
  const day = dayOfDate(input.deliver_on.trim(), timeZone);
  if (!day) return { ok: false, field: 'deliver_on', error: 'Enter a date like 2026-12-25.' };
  const today = dayIn(now, timeZone);
  if (day.date < today.date) return { ok: false, field: 'deliver_on', error: 'The date has passed: choose today or a later day.' };
  const last = dayIn(addTerm(today.start, DELIVERY_HORIZON, timeZone), timeZone);
  if (day.date > last.date) return { ok: false, field: 'deliver_on', error: `Choose a day up to a year ahead (until ${last.date}).` };
  if (day.date === today.date) return { ok: true, at: now };
  return { ok: true, at: new Date(day.start.getTime() + DELIVERY_HOUR * 3600 * 1000) };
}
