import { EMAIL_PATTERN } from '../../domain/accounts/model.js';
import { PASSWORD_RULES } from '../../domain/accounts/passwords.js';
import { emptyForm, form, id, keyword, nextPath, NO_CONTROL, text, type FormState } from '../http/forms.js';
import { ACCOUNT_NOTICES } from './account-notices.js';

/**
 * The account pages' forms, query strings and path parameters, as schemas for the form helper
 * (`src/web/http/forms.ts`): what each field accepts, how it is tidied, and what the reader is told.
 */

export { emptyForm, type FormState };

export const LIMITS = { email: 254, name: 100, password: PASSWORD_RULES.max } as const;

/** Opaque tokens from links and hidden fields (base64url, as `newToken` makes them). */
const TOKEN = '^[A-Za-z0-9_-]{20,100}$';
const TOKEN_SHAPE = new RegExp(TOKEN);

export const Field = {
  /** Trimmed and lower-cased, as addresses are stored. */
  email: () =>
    text({
      minLength: 1,
      maxLength: LIMITS.email,
      pattern: EMAIL_PATTERN,
      normalise: ['trim', 'lower'],
      messages: {
        minLength: 'Enter your email address.',
        maxLength: `An email address has at most ${LIMITS.email} characters.`,
        pattern: 'Enter an email address like name@example.com.',
      },
    }),
  name: () =>
    text({
      minLength: 1,
      maxLength: LIMITS.name,
      pattern: `^[^${NO_CONTROL}]*$`,
      normalise: ['trim'],
      messages: {
        minLength: 'Enter your name.',
        maxLength: `Use at most ${LIMITS.name} characters.`,
        pattern: 'Use letters, spaces and punctuation only.',
      },
    }),
  /** A password as typed: never trimmed or case-folded (ASVS 6.2.8), never shown back; strength is the domain's rule. */
  password: (options: { optional?: boolean } = {}) =>
    text({
      minLength: options.optional ? 0 : 1,
      maxLength: LIMITS.password,
      secret: true,
      messages: { minLength: 'Enter your password.', maxLength: `Use at most ${LIMITS.password} characters.` },
    }),
  /** A 6-digit code; the spaces and dashes readers copy along with it are dropped. */
  code: () =>
    text({
      minLength: 1,
      maxLength: 12,
      pattern: '^\\d{6}$',
      normalise: ['no-spaces'],
      messages: { minLength: 'Enter the 6-digit code from the email.', invalid: 'The code is 6 digits, like 123456.' },
    }),
  token: (message: string) => text({ maxLength: 100, pattern: TOKEN, messages: { invalid: message } }),
};

const CHOICE_INVALID = 'That choice is not valid. Sign in again.';

export const LoginForm = form({ next: nextPath(), email: Field.email(), password: Field.password() });
export const CodeRequestForm = form({ next: nextPath(), email: Field.email() });
export const RegisterForm = form({
  next: nextPath(),
  name: Field.name(),
  email: Field.email(),
  password: Field.password({ optional: true }),
});
export const CodeForm = form({ next: nextPath(), email: Field.email(), code: Field.code() });
export const DeviceChoiceForm = form({
  next: nextPath(),
  choiceToken: Field.token(CHOICE_INVALID),
  deviceId: id({ invalid: CHOICE_INVALID }),
});
export const ResetRequestForm = form({ email: Field.email() });
/** `/reset/confirm` takes the link's token, or the address and code: the route reads one of the two below. */
export const ResetConfirmForm = form({
  token: text({ maxLength: 1000 }),
  email: text({ maxLength: 1000 }),
  code: text({ maxLength: 1000 }),
  password: text({ maxLength: 100_000, secret: true }),
});
export const ResetByLinkForm = form({
  token: Field.token('That reset link is not valid. Ask for a new code.'),
  password: Field.password(),
});
export const ResetByCodeForm = form({ email: Field.email(), code: Field.code(), password: Field.password() });
/** `current` is required when the account has a password: the domain says so (`changePassword`). */
export const PasswordForm = form({ current: Field.password({ optional: true }), password: Field.password() });
export const DeleteForm = form({
  confirm: text({
    minLength: 1,
    maxLength: 20,
    pattern: '^DELETE$',
    normalise: ['trim'],
    messages: {
      minLength: 'Type DELETE to confirm.',
      maxLength: 'Type DELETE to confirm.',
      pattern: 'Type DELETE in capital letters to confirm.',
    },
  }),
});
/** Forms whose only field is the CSRF token (sign out, sign out the other devices). */
export const NoFields = form({});

export const NextQuery = form({ next: nextPath() });
export const LoginQuery = form({ next: nextPath(), notice: keyword(['password-reset', 'choice-expired']) });
export const LinkQuery = form({ token: Field.token('The link is missing part of its address.') });
export const AccountQuery = form({
  notice: keyword(Object.keys(ACCOUNT_NOTICES)),
});
export const DeviceParams = form({ id: id({ invalid: 'That is not a device of this account.' }) });

/** Opaque tokens in cookies (the browser's binding nonce): the shape `newToken` makes, else null. */
export function checkToken(raw: string): string | null {
  return TOKEN_SHAPE.test(raw) ? raw : null;
}
