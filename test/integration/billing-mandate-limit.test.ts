import { expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { SUBSCRIBER_ENTITLEMENTS } from '../../src/domain/billing/plans.js';
import { upsertPlan } from '../../src/domain/billing/plan-queries.js';
import { sessionCookie } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, useBilling } from './billing-harness.js';

/**
 * A plan priced above ₹15,000: RBI's e-mandate rules make the reader's bank ask for approval of each
 * renewal, so the publisher is warned where plans are listed and the reader is told before paying.
 */
describeEachEngine('billing: the ₹15,000 e-mandate limit', (get) => {
  const h = useBilling(get);
  const PASSWORD = 'a long enough passphrase';

  async function signedIn(role: 'reader' | 'admin') {
    const email = `${role}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.in`;
    const { user } = await provisionUser(get(), { email, role, name: `Asha ${role}`, password: PASSWORD }, h.clock.now());
    const cookie = await sessionCookie(h.ctx, email, PASSWORD);
    return { user, get: (url: string) => h.app.inject({ url, headers: { cookie } }) };
  }
  const addPatronPlan = () =>
    upsertPlan(get(), {
      slug: 'patron',
      name: 'Patron',
      term: { count: 1, unit: 'year' },
      price: { minor: 2_000_000, currency: 'INR' },
      entitlements: SUBSCRIBER_ENTITLEMENTS,
      position: 4,
    });
  const removePatronPlan = () => get().query(`delete from plans where slug = 'patron'`);

  it('the admin’s plan list warns about a plan above ₹15,000, and only about that one', async () => {
    await addPatronPlan();
    try {
      const admin = await signedIn('admin');
      const page = await admin.get('/admin/payments');
      expect(page.statusCode).toBe(200);
      const patron = /<li data-plan="patron">([\s\S]*?)<\/li>/.exec(page.body)?.[1] ?? '';
      expect(patron).toContain('Patron: ₹20,000 every year');
      expect(patron).toContain('Patron costs ₹20,000, above the ₹15,000 RBI e-mandate limit');
      expect(patron).toContain('approve each renewal');
      expect(page.body.match(/class="warning mandate-warning"/g)).toHaveLength(1);
      expect(page.body).toContain('<li data-plan="smart-quarterly">Smart Quarterly: ₹900 every 3 months</li>');
    } finally {
      await removePatronPlan();
    }
  });

  it('the reader is told at checkout that their bank may ask them to approve each renewal, and not for the demo plans', async () => {
    await addPatronPlan();
    try {
      const reader = await signedIn('reader');
      const dear = await reader.get('/subscribe/patron');
      expect(dear.statusCode).toBe(200);
      expect(dear.body).toContain(
        'Your bank may ask you to approve each renewal of ₹20,000 with an OTP or PIN: RBI rules require that for automatic payments above ₹15,000.',
      );
      const usual = await reader.get('/subscribe/super-saver');
      expect(usual.statusCode).toBe(200);
      expect(usual.body).not.toContain('mandate-note');
    } finally {
      await removePatronPlan();
    }
  });

  it('an upgrade to it says the bank may ask to approve the charge today and each renewal', async () => {
    const reader = await signedIn('reader');
    await h.subscribe(reader.user, 'smart-quarterly');
    await addPatronPlan();
    try {
      h.clock.advance(10 * DAY);
      const page = await reader.get('/account/subscription/change');
      expect(page.statusCode).toBe(200);
      const patron = /<section class="plan-option" data-plan="patron"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
      expect(patron).toMatch(
        /Your bank may ask you to approve the payment of ₹19,[0-9,.]+ today and each renewal of ₹20,000 with an OTP or PIN/,
      );
      const essential = /<section class="plan-option" data-plan="smart-essential"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
      expect(essential).not.toBe('');
      expect(essential).not.toContain('mandate-note');
    } finally {
      await removePatronPlan();
    }
  });
});
