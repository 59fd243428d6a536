import { renderEmail } from '../notifications/email-layout.js';
import type { Copy } from '../copy/copy.js';

type Kind = 'sign-in' | 'sign-up' | 'existing' | 'no-account' | 'reset' | 'password-changed';
interface Values {
  url: string;
  code?: string;
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
