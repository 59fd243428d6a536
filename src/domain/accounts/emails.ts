import { Type, type Static } from 'typebox';
import { renderEmail } from '../notifications/email-layout.js';
import type { NotificationTemplates } from '../notifications/notifications.js';
import type { Copy } from '../copy/copy.js';

type Kind = 'sign-in' | 'sign-up' | 'existing' | 'no-account' | 'reset' | 'password-changed';
interface Values {
  url: string;
  code?: string | undefined;
  minutes?: number;
  name?: string;
}

/** Subject, text and HTML of an account email, all from the checked copy catalog. */
export function accountEmail(
  copy: Copy,
  publication: string,
  kind: Kind,
  values: Values,
): { subject: string; text: string; html: string; tag: string } {
  const pub = publication;
  const codeLines = values.code ? [copy.render('email.code_intro', { minutes: values.minutes ?? 10 })] : [];
  const footer = copy.render('email.footer', { publication: pub });
  const build = (subject: string, paragraphs: string[], label: string) => ({
    subject,
    tag: kind,
    ...renderEmail({ publication: pub, preheader: subject, paragraphs, code: values.code, action: { label, url: values.url }, footer }),
  });
  switch (kind) {
    case 'sign-in':
      return build(
        copy.render('email.sign_in.subject', { code: values.code ?? '', publication: pub }),
        [copy.render('email.sign_in.body', { publication: pub }), ...codeLines],
        copy.render('email.sign_in.action'),
      );
    case 'sign-up':
      return build(
        copy.render('email.sign_up.subject', { publication: pub }),
        [copy.render('email.sign_up.body', { publication: pub, name: values.name ?? '' }), ...codeLines],
        copy.render('email.sign_up.action'),
      );
    case 'existing':
      return build(
        copy.render('email.existing.subject', { publication: pub }),
        [copy.render('email.existing.body', { publication: pub }), ...codeLines],
        copy.render('email.sign_in.action'),
      );
    case 'no-account':
      return build(
        copy.render('email.no_account.subject', { publication: pub }),
        [copy.render('email.no_account.body', { publication: pub })],
        copy.render('email.no_account.action'),
      );
    case 'reset':
      return build(
        copy.render('email.reset.subject', { publication: pub }),
        [copy.render('email.reset.body'), ...codeLines],
        copy.render('email.reset.action'),
      );
    case 'password-changed':
      return build(
        copy.render('email.password_changed.subject', { publication: pub }),
        [copy.render('email.password_changed.body', { publication: pub })],
        copy.render('email.reset.action'),
      );
  }
}

const KINDS = ['sign-in', 'sign-up', 'existing', 'no-account', 'reset', 'password-changed'] as const satisfies readonly Kind[];
/** Emails carrying a one-time code or link: their queued copy is erased once they are sent. */
const WITH_SECRET: ReadonlySet<Kind> = new Set(['sign-in', 'sign-up', 'existing', 'reset']);

const AccountEmailData = Type.Object({
  to: Type.String({ maxLength: 254 }),
  url: Type.String({ maxLength: 2000 }),
  code: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
  minutes: Type.Optional(Type.Integer({ minimum: 1 })),
  name: Type.Optional(Type.String({ maxLength: 254 })),
});
export type AccountEmailData = Static<typeof AccountEmailData>;
export type AccountEmailTemplate = `account.${Kind}`;

/** The account emails as notification templates (`account.sign-in` …), written in the publication's current name. */
export function accountEmailTemplates(copy: Copy, publication: () => string): NotificationTemplates {
  return Object.fromEntries(
    KINDS.map((kind) => [
      `account.${kind}`,
      {
        data: AccountEmailData,
        secret: WITH_SECRET.has(kind),
        render: async ({ to, ...values }: AccountEmailData) => ({ to, ...accountEmail(copy, publication(), kind, values) }),
      },
    ]),
  );
}
