/**
 * A connection URL (SMTP_URL, DATABASE_URL, DATABASE_READ_URL, REDIS_URL) with its password masked, safe for logs and
 * error messages: the password in the user part and a `password` query parameter (libpq's form) become `***`.
 */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    // Unparseable, so we cannot tell where the password is; show nothing of it.
    return '(invalid URL)';
  }
}
