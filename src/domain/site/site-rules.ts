import type { GrievanceOfficer, SiteSettings } from './settings.js';

/**
 * Checks of what staff type into the publication's settings. Each returns the tidied value or a message for the
 * field; `checkSiteSettings` and `checkGrievanceOfficer` collect them by field name, so a form shows every message
 * beside its field at once.
 */

export type Check<T> = { ok: true; value: T } | { ok: false; error: string };
export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const good = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(error: string): Check<T> => ({ ok: false, error });

// C0 controls and DEL: no place in a name, an address or a path.
const CONTROL = {
  test(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === 0x7f) return true;
    }
    return false;
  },
};
const LINE_BREAKS = /\r\n|\r|\n/;

/** One line of text, `min` to `max` characters after trimming. */
export function checkLine(value: string, options: { label: string; min?: number; max: number }): Check<string> {
  const text = value.trim();
  const min = options.min ?? 0;
  if (text.length < min) return bad(`Enter the ${options.label}.`);
  if (text.length > options.max) return bad(`Use at most ${options.max} characters.`);
  if (CONTROL.test(text)) return bad(`Write the ${options.label} on one line.`);
  return good(text);
}

/** An IANA time zone name ("Asia/Kolkata"), or '' for the configured default. */
export function checkTimeZone(value: string): Check<string> {
  const zone = value.trim();
  if (zone === '') return good('');
  // Names only: Intl would also take offsets such as "+05:30", which know nothing of daylight saving.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) || zone.length > 60)
    return bad('Enter a time zone name such as Asia/Kolkata or Europe/London.');
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return good(zone);
  } catch {
    return bad(`${zone} is not a time zone this server knows. Use a name such as Asia/Kolkata.`);
  }
}

/** A BCP 47 language tag ("en-IN", "hi"), returned in its canonical form. */
export function checkLanguage(value: string): Check<string> {
  const tag = value.trim();
  if (tag === '') return bad('Enter the language, such as en-IN or hi-IN.');
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    // A private-use or grandfathered tag is no use to a browser or a feed reader: start with a language.
    if (!canonical || !/^[a-z]{2,3}(-|$)/.test(canonical) || canonical.length > 35) throw new RangeError(tag);
    return good(canonical);
  } catch {
    return bad(`${tag} is not a language tag. Use one such as en-IN, hi-IN or ta.`);
  }
}

/** An image address: https on another site, or a path on this one ("/media/logo.png"); '' for none. */
export function checkImageAddress(value: string): Check<string> {
  const address = value.trim();
  if (address === '') return good('');
  const message = 'Enter an https:// address or a path on this site starting with /.';
  if (address.length > 500 || CONTROL.test(address) || /\s|\\/.test(address)) return bad(message);
  if (address.startsWith('/')) return address.startsWith('//') ? bad(message) : good(address);
  return checkHttps(address, message);
}

function checkHttps(address: string, message: string): Check<string> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return bad(message);
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username || url.password) return bad(message);
  return good(url.href);
}

/** An email address ('' allowed unless `required`). */
export function checkEmail(value: string, required = false): Check<string> {
  const email = value.trim();
  if (email === '') return required ? bad('Enter an email address.') : good('');
  if (email.length > 254 || !/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/.test(email))
    return bad(`${email} is not an email address.`);
  return good(email);
}

/** A telephone number as people write it ("+91 80 4000 1234"); '' allowed unless `required`. */
export function checkPhone(value: string, required = false): Check<string> {
  const phone = value.trim().replace(/\s+/g, ' ');
  if (phone === '') return required ? bad('Enter a telephone number.') : good('');
  const digits = phone.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ()-]+$/.test(phone) || digits < 6 || digits > 15) return bad('Enter a telephone number such as +91 80 4000 1234.');
  return good(phone);
}

/** A postal address: up to 6 lines of at most 120 characters ('' allowed unless `required`). */
export function checkAddress(value: string, required = false): Check<string> {
  const lines = value
    .split(LINE_BREAKS)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) return required ? bad('Enter the postal address.') : good('');
  if (lines.length > 6 || lines.some((line) => line.length > 120 || CONTROL.test(line)))
    return bad('Use at most 6 lines of at most 120 characters.');
  return good(lines.join('\n'));
}

/** Links to the publication's pages elsewhere: one https address per line, at most 8. */
export function checkSocialLinks(value: string): Check<string[]> {
  const lines = value
    .split(LINE_BREAKS)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > 8) return bad('List at most 8 links.');
  const links: string[] = [];
  for (const line of lines) {
    const checked = line.length > 300 ? bad<string>('') : checkHttps(line, '');
    if (!checked.ok) return bad(`${line.slice(0, 60)} is not an https:// address.`);
    links.push(checked.value);
  }
  return good(links);
}

/** Most premium stories a day a publication may promise: beyond it the number is a typing slip. */
export const MAX_PREMIUM_PROMISED_DAILY = 1_000;

/** Premium stories promised a day: a whole number, 0 (or empty) for no promise. */
export function checkPremiumPromise(value: string): Check<number> {
  const text = value.trim();
  if (text === '') return good(0);
  if (!/^\d{1,5}$/.test(text) || Number(text) > MAX_PREMIUM_PROMISED_DAILY)
    return bad(
      `Enter a whole number of stories from 0 to ${MAX_PREMIUM_PROMISED_DAILY.toLocaleString('en-IN')}, such as 30; 0 for no promise.`,
    );
  return good(Number(text));
}

/** Most gift links a subscriber may make a month: beyond it the number is a typing slip. */
export const MAX_GIFT_ARTICLES_MONTHLY = 1_000;

/** Gift links a subscriber may make a month: a whole number, 0 to turn gifting off. */
export function checkGiftArticlesMonthly(value: string): Check<number> {
  const text = value.trim();
  if (!/^\d{1,5}$/.test(text) || Number(text) > MAX_GIFT_ARTICLES_MONTHLY)
    return bad(
      `Enter a whole number of articles from 0 to ${MAX_GIFT_ARTICLES_MONTHLY.toLocaleString('en-IN')}, such as 10; 0 turns gifting off.`,
    );
  return good(Number(text));
}

/** An image's number in the image library ('' for none); whether it exists is the service's to check. */
export function checkImageNumber(value: string): Check<number | null> {
  const text = value.trim();
  if (text === '') return good(null);
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647)
    return bad('Enter the image’s number in the library (/admin/images), such as 12, or leave it empty.');
  return good(Number(text));
}

/**
 * The settings form's fields as typed (text), beside the grievance officer, which the grievance page edits.
 * `defaultImageId` may be left out (the JSON API does not send it): the stored one is kept.
 */
export type SiteSettingsInput = Record<Exclude<keyof SiteSettings, 'grievanceOfficer' | 'defaultImageId'>, string> & {
  defaultImageId?: string | undefined;
};

/** Checks every field of the settings; the settings to store, or a message per field that is wrong. */
export function checkSiteSettings(
  input: SiteSettingsInput,
): Checked<Omit<SiteSettings, 'grievanceOfficer' | 'defaultImageId'> & Partial<Pick<SiteSettings, 'defaultImageId'>>> {
  return collectChecks({
    ...(input.defaultImageId === undefined ? {} : { defaultImageId: checkImageNumber(input.defaultImageId) }),
    publicationName: checkLine(input.publicationName, { label: "publication's name", min: 1, max: 100 }),
    tagline: checkLine(input.tagline, { label: 'tagline', max: 200 }),
    language: checkLanguage(input.language),
    timeZone: checkTimeZone(input.timeZone),
    logoUrl: checkImageAddress(input.logoUrl),
    faviconUrl: checkImageAddress(input.faviconUrl),
    contactEmail: checkEmail(input.contactEmail),
    contactPhone: checkPhone(input.contactPhone),
    contactAddress: checkAddress(input.contactAddress),
    socialLinks: checkSocialLinks(input.socialLinks),
    premiumPromisedDaily: checkPremiumPromise(input.premiumPromisedDaily),
    giftArticlesMonthly: checkGiftArticlesMonthly(input.giftArticlesMonthly),
  });
}

export type GrievanceOfficerInput = Record<keyof GrievanceOfficer, string>;

/** The grievance officer: every detail is required, since the IT Rules 2021 require each to be published. */
export function checkGrievanceOfficer(input: GrievanceOfficerInput): Checked<GrievanceOfficer> {
  const days = input.responseDays.trim();
  const responseDays: Check<number> =
    /^\d{1,2}$/.test(days) && Number(days) >= 1 && Number(days) <= 15
      ? good(Number(days))
      : bad('Enter a number of days from 1 to 15: the IT Rules 2021 give at most 15 days to decide a complaint.');
  return collectChecks({
    name: checkLine(input.name, { label: "grievance officer's name", min: 1, max: 100 }),
    designation: checkLine(input.designation, { label: "grievance officer's designation", min: 1, max: 100 }),
    email: checkEmail(input.email, true),
    phone: checkPhone(input.phone, true),
    address: checkAddress(input.address, true),
    responseDays,
  });
}

function collectChecks<T extends Record<string, Check<unknown>>>(
  checks: T,
): Checked<{ [K in keyof T]: T[K] extends Check<infer V> ? V : never }> {
  const errors: FieldErrors = {};
  const values: Record<string, unknown> = {};
  for (const [name, result] of Object.entries(checks)) {
    if (result.ok) values[name] = result.value;
    else errors[name] = result.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: values as never };
}
