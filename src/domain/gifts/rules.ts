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

/** C0 controls and DEL have no place in a name; a message may keep its line breaks. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

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
  else if (CONTROL.test(name)) errors.recipient_name = 'Use letters, numbers, spaces and punctuation only.';
  const message = input.message.replace(/\r\n/g, '\n').trim();
  if ([...message].length > GIFT_LIMITS.message) errors.message = `Keep the message to ${GIFT_LIMITS.message} characters or fewer.`;
  else if (CONTROL.test(message)) errors.message = 'Use letters, numbers, spaces and punctuation only.';
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
