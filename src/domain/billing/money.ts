/** Money is an integer count of minor units (paise for INR) with its currency. Never a float. */
export interface Money {
  minor: number;
  currency: string;
}

const MINOR_PER_MAJOR: Record<string, number> = { INR: 100, USD: 100, EUR: 100, GBP: 100, JPY: 1 };

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${currency}:${fractionDigits}`;
  let f = formatters.get(key);
  if (!f) {
    // en-IN groups INR the Indian way: ₹1,00,000.
    f = new Intl.NumberFormat(currency === 'INR' ? 'en-IN' : 'en', {
      style: 'currency',
      currency,
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formatters.set(key, f);
  }
  return f;
}

export function minorPerMajor(currency: string): number {
  const n = MINOR_PER_MAJOR[currency];
  if (n === undefined) throw new Error(`unsupported currency ${currency}`);
  return n;
}

/**
 * Formats money for readers: whole amounts without decimals (₹2,700), others with them (₹2,700.50).
 * The number handed to Intl is exact (integer division by the unit), so Intl never rounds it.
 */
export function formatMoney(money: Money): string {
  if (!Number.isSafeInteger(money.minor)) throw new Error(`money must be an integer of minor units, got ${money.minor}`);
  const unit = minorPerMajor(money.currency);
  const whole = money.minor % unit === 0;
  return formatter(money.currency, whole ? 0 : Math.log10(unit)).format(money.minor / unit);
}

/** Whole major units, rounded down: the per-month figure readers see (₹162.5 → ₹162). */
export function floorToMajor(minor: number, currency: string): Money {
  const unit = minorPerMajor(currency);
  return { minor: Math.floor(minor / unit) * unit, currency };
}
