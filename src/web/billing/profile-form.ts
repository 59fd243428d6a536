import { isValidGstin, isValidPin, selectableStates, stateByCode } from '../../domain/billing/gst.js';
import type { Static } from 'typebox';
import { collect, field, type FormState } from '../http/forms.js';
import type { BillingProfile } from '../../domain/billing/profiles.js';
import { form, text as textField, type FormRead } from '../http/forms.js';
import { hasControlCharacter } from './forms.js';

/**
 * Reading and checking the billing details form: what a GST invoice to an unregistered buyer needs
 * (name, address with PIN and State, CGST Rule 46) and, for a business, its GSTIN.
 */

export const PROFILE_LIMITS = { name: 100, line: 100, city: 60 } as const;
export const PROFILE_FIELDS = ['name', 'address_line1', 'address_line2', 'city', 'state', 'pin', 'gstin'] as const;

/**
 * The form as the route declares it (form helper): each field one string of bounded length. What a GST
 * invoice needs of each (a real PIN, a State from the list, a GSTIN of that State) is checked after, by
 * `readProfileForm`.
 */
const typed = (limit: number, maxLength = 200) => textField({ maxLength, messages: { maxLength: `Use at most ${limit} characters.` } });
export const ProfileForm = form({
  name: typed(PROFILE_LIMITS.name),
  address_line1: typed(PROFILE_LIMITS.line),
  address_line2: typed(PROFILE_LIMITS.line),
  city: typed(PROFILE_LIMITS.city),
  state: textField({ maxLength: 10, messages: { maxLength: 'Choose a State or Union Territory from the list.' } }),
  pin: textField({ maxLength: 20, messages: { maxLength: 'A PIN code is 6 digits and does not start with 0, like 400013.' } }),
  gstin: textField({
    maxLength: 40,
    messages: { maxLength: 'A GSTIN has 15 characters, like 27AAACT0000D1Z9. Leave it empty if you have none.' },
  }),
});

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (error: string): Checked<never> => ({ ok: false, error });

function text(raw: string, options: { max: number; missing?: string }): Checked<string> {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (!value) return options.missing ? bad(options.missing) : ok('');
  if (value.length > options.max) return bad(`Use at most ${options.max} characters.`);
  if (hasControlCharacter(value)) return bad('Use letters, numbers, spaces and punctuation only.');
  return ok(value);
}

export function checkState(raw: string): Checked<string> {
  if (!raw) return bad('Choose your State or Union Territory.');
  return selectableStates().some((s) => s.code === raw) ? ok(raw) : bad('Choose a State or Union Territory from the list.');
}

export function checkPin(raw: string): Checked<string> {
  const pin = raw.replace(/\s/g, '');
  if (!pin) return bad('Enter your PIN code.');
  if (!isValidPin(pin)) return bad('A PIN code is 6 digits and does not start with 0, like 400013.');
  return ok(pin);
}

/** Optional; when given it must be a real GSTIN (checksum) registered in the chosen State. */
export function checkGstin(raw: string, stateCode: string | null): Checked<string | null> {
  const gstin = raw.replace(/\s/g, '').toUpperCase();
  if (!gstin) return ok(null);
  if (gstin.length !== 15) return bad('A GSTIN has 15 characters, like 27AAACT0000D1Z9. Leave it empty if you have none.');
  if (!isValidGstin(gstin)) return bad('This is not a valid GSTIN: check each character. Leave it empty if you have none.');
  const registeredIn = stateByCode(gstin.slice(0, 2));
  if (stateCode && registeredIn && gstin.slice(0, 2) !== stateCode) {
    return bad(`This GSTIN is registered in ${registeredIn.name}: choose that State above, or check the number.`);
  }
  return ok(gstin);
}

/** The form as typed, for showing it again. */
export function typedProfile(body: unknown): Record<string, string> {
  return Object.fromEntries(PROFILE_FIELDS.map((name) => [name, field(body, name).slice(0, 200)]));
}

/** The saved profile as form values, to prefill the form. */
export function profileValues(p: BillingProfile | null, fallbackName: string): Record<string, string> {
  if (!p) return { name: fallbackName };
  return {
    name: p.name,
    address_line1: p.addressLine1,
    address_line2: p.addressLine2,
    city: p.city,
    state: p.stateCode,
    pin: p.pin,
    gstin: p.gstin ?? '',
  };
}

export function readProfileForm(body: unknown): { ok: true; profile: BillingProfile } | { ok: false; form: FormState } {
  const typed = typedProfile(body);
  const state = checkState(typed.state ?? '');
  const checked = collect(
    {
      name: text(typed.name ?? '', { max: PROFILE_LIMITS.name, missing: 'Enter the name to put on your invoice.' }),
      address_line1: text(typed.address_line1 ?? '', { max: PROFILE_LIMITS.line, missing: 'Enter the first line of your address.' }),
      address_line2: text(typed.address_line2 ?? '', { max: PROFILE_LIMITS.line }),
      city: text(typed.city ?? '', { max: PROFILE_LIMITS.city, missing: 'Enter your town or city.' }),
      state,
      pin: checkPin(typed.pin ?? ''),
      gstin: checkGstin(typed.gstin ?? '', state.ok ? state.value : null),
    },
    typed,
  );
  if (!checked.ok) return checked;
  const v = checked.values;
  return {
    ok: true,
    profile: {
      name: v.name,
      addressLine1: v.address_line1,
      addressLine2: v.address_line2,
      city: v.city,
      stateCode: v.state,
      pin: v.pin,
      gstin: v.gstin,
    },
  };
}

/**
 * The billing details as the form helper read them (`readForm(request, ProfileForm)`), checked for the
 * invoice: the profile, or the form again with every message (the helper's, and the invoice's for the rest).
 */
export function readProfile(read: FormRead<Static<typeof ProfileForm>>): ReturnType<typeof readProfileForm> {
  if (read.ok) return readProfileForm(read.values);
  const rest = readProfileForm(read.form.values);
  return { ok: false, form: { values: read.form.values, errors: { ...(rest.ok ? {} : rest.form.errors), ...read.form.errors } } };
}
