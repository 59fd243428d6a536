/**
 * Reader-facing copy, in ICU MessageFormat. Each message declares the variables it may use; `loadCopy`
 * refuses a message that uses any other, and `render` refuses to leave one unfilled.
 */
export interface MessageDefinition {
  text: string;
  vars: readonly string[];
  /** Variables a template of this message must use (a paywall that does not say the limit is no paywall). */
  required?: readonly string[];
}

export const DEFAULT_COPY = {
  'paywall.meter_exhausted': {
    text: "You've reached your limit of {free_limit, plural, one {# free article} other {# free articles}} this month.",
    vars: ['free_limit'],
    required: ['free_limit'],
  },
  'paywall.subscribe_pitch': { text: 'Subscribe now for unlimited access.', vars: [] },
  'paywall.subscribe_button': { text: 'Subscribe now', vars: [] },
  'paywall.login_prompt': { text: 'Already subscribed?', vars: [] },
  'paywall.login_link': { text: 'Log in', vars: [] },
  'paywall.premium': {
    text: 'This premium story is for subscribers to {publication}: exclusive reporting, hand-picked by our editors.',
    vars: ['publication'],
  },
  'paywall.archive': {
    text: 'Stories from our archive, back to 1997, are part of a subscription to {publication}.',
    vars: ['publication'],
  },
  'paywall.registration': {
    text: "You've read your {free_limit, plural, one {# free article} other {# free articles}} this month. Create a free account to read {bonus} more.",
    vars: ['free_limit', 'bonus'],
    required: ['bonus'],
  },
  'paywall.registration_button': { text: 'Create a free account', vars: [] },
  'paywall.registration_gives': {
    text: 'A free account costs nothing and needs no card: {bonus, plural, one {# more free article} other {# more free articles}} every month on top of the {free_limit} everyone gets, on one meter that follows you to every device you sign in on.',
    vars: ['free_limit', 'bonus'],
    required: ['bonus'],
  },
  'paywall.includes_title': { text: 'A subscription includes', vars: [] },
  'paywall.network': {
    text: 'Free articles for readers without an account have run out on this network or browser this month. Create a free account to keep reading on a meter of your own.',
    vars: [],
  },
  'paywall.plans_from': { text: 'Plans from {per_month}/Month.', vars: ['per_month'], required: ['per_month'] },
  'paywall.best_value': { text: 'Best value: {plan} at {per_month}/Month.', vars: ['plan', 'per_month'], required: ['plan'] },
  'meter.remaining': {
    text: '{left, plural, =0 {This is your last free article this month.} one {You have # free article left this month.} other {You have # free articles left this month.}}',
    vars: ['left'],
    required: ['left'],
  },
  'meter.plans_link': { text: 'See the plans', vars: [] },
  'article.wire_disclaimer': {
    text: 'Disclaimer: No journalist from {publication} was involved in the creation of this content.',
    vars: ['publication'],
  },
  'article.partner_credit': { text: 'This story first appeared in {partner}.', vars: ['partner'], required: ['partner'] },
  'article.gift_note': {
    text: 'A subscriber to {publication} gave you this article: read it in full, free.',
    vars: ['publication'],
  },
  'article.gift_button': { text: 'Gift this article', vars: [] },
  'article.reading_time': { text: '{minutes, plural, one {# min read} other {# min read}}', vars: ['minutes'], required: ['minutes'] },
  'premium.today': {
    text: '{count, plural, =0 {No premium stories yet today} one {# premium story today} other {# premium stories today}}',
    vars: ['count'],
    required: ['count'],
  },
  'premium.on_day': {
    text: '{count, plural, =0 {No premium stories on {date}} one {# premium story on {date}} other {# premium stories on {date}}}',
    vars: ['count', 'date'],
    required: ['count', 'date'],
  },
  'premium.promise': {
    text: 'Subscribers get {promised}+ premium stories a day, hand-picked by our editors.',
    vars: ['promised'],
    required: ['promised'],
  },
  'plans.title': { text: 'Subscribe to {publication}', vars: ['publication'] },
  'plans.per_month': { text: '{amount}/Month', vars: ['amount'], required: ['amount'] },
  'plans.renewal': {
    text: 'Billed {price} every {term}, GST included. Renews automatically; cancel anytime.',
    vars: ['price', 'term'],
    required: ['price', 'term'],
  },
  'plans.choose': { text: 'Choose {plan}', vars: ['plan'], required: ['plan'] },
  'plans.best_value': { text: 'Best value', vars: [] },
  'plans.includes_title': { text: 'Every plan includes', vars: [] },
  'plans.also_includes': { text: 'Also includes:', vars: [] },
  'plans.plan_includes': { text: 'Includes:', vars: [] },
  'email.code_intro': {
    text: 'Your one-time code is below. It works once, within {minutes} minutes, in the browser or app where you asked for it.',
    vars: ['minutes'],
    required: ['minutes'],
  },
  'email.sign_in.subject': { text: '{code} is your sign-in code for {publication}', vars: ['code', 'publication'], required: ['code'] },
  'email.sign_in.body': { text: 'Use this code or the button below to sign in to {publication}.', vars: ['publication'] },
  'email.sign_in.action': { text: 'Sign in', vars: [] },
  'email.sign_up.subject': { text: 'Confirm your email for {publication}', vars: ['publication'] },
  'email.sign_up.body': {
    text: 'Welcome to {publication}, {name}. Confirm your address with this code or the button below to finish creating your free account.',
    vars: ['publication', 'name'],
  },
  'email.sign_up.action': { text: 'Confirm my email', vars: [] },
  'email.existing.subject': { text: 'You already have an account with {publication}', vars: ['publication'] },
  'email.existing.body': {
    text: 'Someone tried to create an account with {publication} using this address, but you already have one. If it was you, sign in with this code or the button below.',
    vars: ['publication'],
  },
  'email.no_account.subject': { text: 'Your request at {publication}', vars: ['publication'] },
  'email.no_account.body': {
    text: 'Someone asked to sign in to {publication}, or to reset a password, with this address, but there is no account for it. If it was you, you can create a free account.',
    vars: ['publication'],
  },
  'email.no_account.action': { text: 'Create a free account', vars: [] },
  'email.reset.subject': { text: 'Reset your password for {publication}', vars: ['publication'] },
  'email.reset.body': {
    text: 'Use this code or the button below to choose a new password. Every device signed in to your account will be signed out.',
    vars: [],
  },
  'email.reset.action': { text: 'Choose a new password', vars: [] },
  'email.password_changed.subject': { text: 'Your password for {publication} was changed', vars: ['publication'] },
  'email.password_changed.body': {
    text: 'The password of your account with {publication} was changed and every device was signed out. If this was not you, reset your password now.',
    vars: ['publication'],
  },
  'email.footer': {
    text: 'You received this email because this address was entered at {publication}. If it was not you, ignore it: nothing happens without the code.',
    vars: ['publication'],
  },
  'email.receipt.subject': {
    text: 'Receipt for your subscription to {publication}: {amount}',
    vars: ['publication', 'amount'],
    required: ['amount'],
  },
  'email.receipt.body': {
    text: 'Thank you. We received {amount} for {plan}, covering {period}. Your tax invoice {invoice} is attached and on your account page.',
    vars: ['amount', 'plan', 'period', 'invoice'],
    required: ['amount', 'plan', 'invoice'],
  },
  'email.pre_debit.subject': {
    text: 'Your subscription to {publication} renews on {date}',
    vars: ['publication', 'date'],
    required: ['date'],
  },
  'email.pre_debit.body': {
    text: 'Your {plan} subscription renews automatically on {date}. We will charge {amount} (GST included) to {method} through your {gateway} mandate. To stop the renewal, cancel from your account page before then.',
    vars: ['plan', 'date', 'amount', 'method', 'gateway'],
    required: ['date', 'amount'],
  },
  'email.payment_failed.subject': { text: 'We could not renew your subscription to {publication}', vars: ['publication'] },
  'email.payment_failed.body': {
    text: 'The payment of {amount} for your {plan} subscription did not go through. You can keep reading until {grace_until}. Update your payment method to keep your subscription.',
    vars: ['amount', 'plan', 'grace_until'],
    required: ['amount', 'grace_until'],
  },
  'email.action_required.subject': { text: 'Your bank asks you to confirm your payment to {publication}', vars: ['publication'] },
  'email.action_required.body': {
    text: 'Your bank asks you to confirm the payment of {amount} for your {plan} subscription (a one-time password or approval in your banking app). Until you confirm it, the payment is not taken.',
    vars: ['amount', 'plan'],
    required: ['amount'],
  },
  'email.billing.confirm_action': { text: 'Confirm the payment', vars: [] },
  'account.subscription.action_required': { text: 'Your bank asks you to confirm this payment.', vars: [] },
  'email.dunning.subject': { text: 'Reminder: update your payment method for {publication}', vars: ['publication'] },
  'email.ended.subject': { text: 'Your subscription to {publication} has ended', vars: ['publication'] },
  'email.ended.body': {
    text: 'Your {plan} subscription ended on {date}. You can subscribe again at any time.',
    vars: ['plan', 'date'],
    required: ['date'],
  },
  'email.refund.subject': { text: 'Refund of {amount} from {publication}', vars: ['amount', 'publication'], required: ['amount'] },
  'email.refund.body': {
    text: 'We refunded {amount} to your original payment method. Credit note {credit_note} is on your account page.',
    vars: ['amount', 'credit_note'],
    required: ['amount', 'credit_note'],
  },
  'email.billing.action': { text: 'Manage your subscription', vars: [] },
  'email.gift_receipt.subject': {
    text: 'Receipt for your gift of {plan} from {publication}: {amount}',
    vars: ['plan', 'publication', 'amount'],
    required: ['amount'],
  },
  'email.gift_receipt.body': {
    text: 'Thank you. We received {amount} for a gift of {plan} ({term}) to {recipient}. We email it to them on {date}. Your tax invoice {invoice} is attached and on your account page.',
    vars: ['amount', 'plan', 'term', 'recipient', 'date', 'invoice'],
    required: ['amount', 'plan', 'recipient', 'date', 'invoice'],
  },
  'email.gift_receipt.action': { text: 'See your gifts', vars: [] },
  'email.gift.subject': {
    text: '{buyer} has given you {plan} of {publication}',
    vars: ['buyer', 'plan', 'publication'],
    required: ['buyer'],
  },
  'email.gift.body': {
    text: 'Hello {recipient}, {buyer} has given you {plan}: {term} of {publication}, with everything a subscription includes. Nothing renews and nothing is charged to you. Redeem it by {until}: open the link, then sign in or create an account with any email address.',
    vars: ['recipient', 'buyer', 'plan', 'term', 'publication', 'until'],
    required: ['buyer', 'until'],
  },
  'email.gift.message': { text: 'Their message: {message}', vars: ['message'], required: ['message'] },
  'email.gift.action': { text: 'Redeem your gift', vars: [] },
  'email.gift.footer': {
    text: 'You receive this email because {buyer} bought you a gift subscription to {publication}.',
    vars: ['buyer', 'publication'],
  },
  'email.billing.update_action': { text: 'Update payment method', vars: [] },
  'email.billing.footer': { text: 'You receive this email because you subscribe to {publication}.', vars: ['publication'] },
  'site.footer': { text: '© {year} {publication}. All rights reserved.', vars: ['year', 'publication'], required: ['publication'] },
  'site.ad_label': { text: 'Advertisement', vars: [] },
  'site.not_found': { text: 'We could not find that page.', vars: [] },
  'site.bad_request': { text: 'That request could not be understood.', vars: [] },
  'site.server_error': { text: 'Something went wrong on our side. Please try again in a moment.', vars: [] },
  'site.unavailable': { text: 'The site is briefly unavailable. Please try again in a minute.', vars: [] },
} as const satisfies Record<string, MessageDefinition>;

export type CopyKey = keyof typeof DEFAULT_COPY;

/** The variables message `K` takes, as an object type. */
export type CopyValues<K extends CopyKey> = { [V in (typeof DEFAULT_COPY)[K]['vars'][number]]: string | number };
