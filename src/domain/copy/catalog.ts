/**
 * Reader-facing copy, in ICU MessageFormat. Each message declares the variables it may use; `loadCopy`
 * refuses a message that uses any other, and `render` refuses to leave one unfilled.
 */
export interface MessageDefinition {
  text: string;
  vars: readonly string[];
}

export const DEFAULT_COPY = {
  'paywall.meter_exhausted': {
    text: "You've reached your limit of {free_limit} free articles this month.",
    vars: ['free_limit'],
  },
  'paywall.subscribe_pitch': { text: 'Subscribe now for unlimited access.', vars: [] },
  'paywall.subscribe_button': { text: 'Subscribe now', vars: [] },
  'paywall.login_prompt': { text: 'Already subscribed?', vars: [] },
  'paywall.login_link': { text: 'Log in', vars: [] },
  'paywall.premium': {
    text: 'This is a {publication} Premium story, hand-picked by our editors for subscribers.',
    vars: ['publication'],
  },
  'paywall.archive': {
    text: 'Stories from our archive, back to 1997, are part of a {publication} subscription.',
    vars: ['publication'],
  },
  'paywall.registration': {
    text: "You've read your {free_limit} free articles this month. Create a free account to read {bonus} more.",
    vars: ['free_limit', 'bonus'],
  },
  'paywall.registration_button': { text: 'Create a free account', vars: [] },
  'paywall.network': {
    text: 'Readers on your network have used this month’s free articles. Subscribe or log in to keep reading.',
    vars: [],
  },
  'paywall.plans_from': { text: 'Plans from {per_month}/Month.', vars: ['per_month'] },
  'meter.remaining': {
    text: '{left, plural, =0 {This is your last free article this month.} one {You have # free article left this month.} other {You have # free articles left this month.}}',
    vars: ['left'],
  },
  'article.wire_disclaimer': {
    text: 'Disclaimer: No {publication} journalist was involved in creation of this content.',
    vars: ['publication'],
  },
  'article.partner_credit': { text: 'This story first appeared in {partner}.', vars: ['partner'] },
  'article.reading_time': { text: '{minutes, plural, one {# min read} other {# min read}}', vars: ['minutes'] },
  'plans.title': { text: 'Subscribe to {publication}', vars: ['publication'] },
  'plans.per_month': { text: '{amount}/Month', vars: ['amount'] },
  'plans.renewal': {
    text: 'Billed {price} every {term}, GST included. Renews automatically; cancel anytime.',
    vars: ['price', 'term'],
  },
  'plans.choose': { text: 'Choose {plan}', vars: ['plan'] },
  'plans.includes_title': { text: 'Every plan includes', vars: [] },
  'site.footer': { text: '© {year} {publication}. All rights reserved.', vars: ['year', 'publication'] },
  'site.ad_label': { text: 'Advertisement', vars: [] },
  'site.not_found': { text: 'We could not find that page.', vars: [] },
  'site.bad_request': { text: 'That request could not be understood.', vars: [] },
  'site.server_error': { text: 'Something went wrong on our side. Please try again in a moment.', vars: [] },
} as const satisfies Record<string, MessageDefinition>;

export type CopyKey = keyof typeof DEFAULT_COPY;

/** The variables message `K` takes, as an object type. */
export type CopyValues<K extends CopyKey> = { [V in (typeof DEFAULT_COPY)[K]['vars'][number]]: string | number };
