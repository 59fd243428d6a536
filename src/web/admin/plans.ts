import { adminLayout, allowedTo } from './admin-layout.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_NAMES, makesPlans } from '../../domain/billing/gateway.js';
import { formatMoney } from '../../domain/billing/money.js';
import type { EditorPlan, PlanAction } from '../../domain/billing/plan-editor.js';
import { describeTerm, perMonth } from '../../domain/billing/plans.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { csrfField, notice } from '../accounts/views.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, fieldList, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';

const PlanForm = form({
  name: text({
    minLength: 1,
    maxLength: 80,
    normalise: ['trim'],
    messages: { minLength: 'Name the plan.', maxLength: 'At most 80 characters.' },
  }),
  termCount: text({
    maxLength: 4,
    normalise: ['trim'],
    pattern: '^[1-9]\\d{0,3}$',
    messages: { pattern: 'A whole number of days, months or years, 1 or more.', maxLength: 'At most 9999.' },
  }),
  termUnit: keyword(['day', 'month', 'year']),
  price: text({
    maxLength: 12,
    normalise: ['trim'],
    pattern: '^[0-9,]{1,9}(\\.[0-9]{1,2})?$',
    messages: { pattern: 'A price in rupees, like 900 or 1,499.50.', maxLength: 'A price in rupees, like 900 or 1,499.50.' },
  }),
});
const CreateForm = form({
  ...PlanForm.properties,
  slug: text({
    maxLength: 60,
    normalise: ['trim', 'lower'],
    pattern: '^[a-z0-9-]{1,60}$',
    messages: { pattern: 'Lower-case letters, digits and dashes (it is the /subscribe/… address).' },
  }),
});
const ActionForm = form({ action: keyword(['highlight', 'unhighlight', 'retire', 'restore', 'up', 'down']) });
const GatewayForm = form({
  gateway: keyword(['razorpay', 'stripe']),
  gatewayPlanId: text({
    minLength: 1,
    maxLength: 100,
    normalise: ['trim'],
    pattern: '^[A-Za-z0-9_]+$',
    messages: { pattern: 'A Razorpay plan id (plan_…) or a Stripe price id (price_…).', minLength: 'Enter the id.' },
  }),
});
const CreateAtGatewayForm = form({ gateway: keyword(['razorpay', 'stripe']) });
const Params = form({ id: id({ invalid: 'There is no such plan.' }) });
const Query = form({ notice: keyword(['created', 'saved', 'changed', 'gateway-created', 'gateway-known']) });
const NOTICES = {
  created: 'The plan is on sale.',
  saved: 'Saved: new subscribers pay the new price; subscribers keep theirs.',
  changed: 'Done.',
  'gateway-created': 'Created at the gateway: its id is stored with the plan, and checkouts at this price use it.',
  'gateway-known': 'The gateway already has a plan for this price (its id is stored with the plan): nothing new was created.',
} as const;

const mayManageBusiness = allowedTo('manageBusiness');

/** Rupees as typed ("1,499.50") to paise; null when it is not above zero. */
function paise(price: string): number | null {
  const minor = Math.round(Number(price.replace(/,/g, '')) * 100);
  return Number.isSafeInteger(minor) && minor > 0 && minor <= 2_000_000_000 ? minor : null;
}

type Failed = { planId: number | 'new'; form: FormState; entitlements?: readonly string[] };

/** Plans (policy `manageBusiness`): create, edit, order, highlight and retire; gateway plans by API or by hand. */
export async function adminPlanRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  // The configured gateways with plans of their own (not the test gateway), which the editor can create plans on.
  const planMaking = Object.values(ctx.billing.gateways).filter(makesPlans);
  const field = (state: FormState | undefined, prefix: string, name: string, label: string, value: string) => {
    const error = state?.errors[name];
    const shown = state?.values[name] ?? value;
    return html`<label for="${prefix}-${name}">${label}</label>${error ? html` <span class="field-error" id="${prefix}-${name}-error">${error}</span>` : ''}
<input id="${prefix}-${name}" name="${name}" value="${shown}"${error ? html` aria-invalid="true" aria-describedby="${prefix}-${name}-error"` : ''}> `;
  };
  const unitSelect = (prefix: string, current: string) =>
    html`<label for="${prefix}-termUnit">Term unit</label><select id="${prefix}-termUnit" name="termUnit">${['day', 'month', 'year'].map(
      (u) => html`<option value="${u}"${current === u ? html` selected` : ''}>${u}s</option>`,
    )}</select> `;

  /** The catalogue as checkboxes; an entry no feature provides yet is marked, as readers are never told of it. */
  const entitlementBoxes = (state: FormState | undefined, prefix: string, chosen: readonly string[]) => {
    const error = state?.errors.entitlements;
    return html`<fieldset class="entitlements"${error ? html` aria-describedby="${prefix}-entitlements-error"` : ''}><legend>What the plan gives (<a href="/admin/entitlements">the catalogue</a>)</legend>${
      error ? html`<p class="field-error" id="${prefix}-entitlements-error">${error}</p>` : ''
    }${ctx.business.catalogue.entries.map(
      (e) =>
        html`<label><input type="checkbox" name="entitlement" value="${e.key}"${chosen.includes(e.key) ? html` checked` : ''}> ${e.name}${e.feature ? '' : html` <span class="hint">(no feature yet: not shown to readers)</span>`}</label> `,
    )}</fieldset> `;
  };

  /** "Create on Razorpay" / "Create on Stripe" for each gateway that has no plan stored at the plan's price. */
  const createButtons = (plan: EditorPlan, csrf: string) => {
    const missing = planMaking.filter((g) => !plan.gatewayPlans.some((stored) => stored.gateway === g.name));
    if (missing.length === 0) return '';
    return html`<form method="post" action="/admin/plans/${plan.id}/gateway-plan" class="inline">${csrfField(csrf)}${missing.map(
      (g) =>
        html`<button type="submit" name="gateway" value="${g.name}" class="button secondary">Create on ${GATEWAY_NAMES[g.name]}</button> `,
    )}</form>`;
  };

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { notice?: string | undefined; failed?: Failed; message?: string },
  ) {
    const plans = await ctx.business.service.listPlansForEditor(actorOf(request.auth?.user));
    const csrf = reply.generateCsrf();
    const failed = (planId: number | 'new') => (extra.failed?.planId === planId ? extra.failed.form : undefined);
    const row = (plan: EditorPlan) => {
      const state = failed(plan.id);
      const prefix = `plan-${plan.id}`;
      const price = { minor: plan.priceMinor, currency: plan.currency };
      const action = (value: PlanAction, label: string) =>
        html`<form method="post" action="/admin/plans/${plan.id}/action" class="inline">${csrfField(csrf)}<button type="submit" name="action" value="${value}" class="button secondary">${label}</button></form> `;
      return html`<section class="block" data-plan="${plan.slug}"><h2>${plan.name}${plan.highlighted ? html` <span class="badge">Best value</span>` : ''}${plan.active ? '' : html` <span class="badge">Retired</span>`}</h2>
<p>${formatMoney(price)} every ${describeTerm({ count: plan.termCount, unit: plan.termUnit })} (${formatMoney(perMonth({ price, term: { count: plan.termCount, unit: plan.termUnit } }))}/Month) · /subscribe/${plan.slug}</p>
${plan.warning ? html`<p class="form-error" role="note">${plan.warning}</p>` : ''}
<p>${plan.active ? html`${action('up', 'Move up')}${action('down', 'Move down')}${plan.highlighted ? action('unhighlight', 'Remove "Best value"') : action('highlight', 'Mark "Best value"')}${action('retire', 'Retire (stop selling)')}` : action('restore', 'Put on sale again')}</p>
<form method="post" action="/admin/plans/${plan.id}" class="account-form">${csrfField(csrf)}
${field(state, prefix, 'name', 'Name', plan.name)}${field(state, prefix, 'termCount', 'Term', String(plan.termCount))}${unitSelect(prefix, state?.values.termUnit ?? plan.termUnit)}${field(state, prefix, 'price', 'Price (₹, GST included)', String(plan.priceMinor / 100))}
${entitlementBoxes(state, prefix, extra.failed?.planId === plan.id ? (extra.failed.entitlements ?? []) : plan.entitlements)}
<button type="submit" class="button">Save</button></form>
<p>Gateway plans: ${plan.gatewayPlans.length ? plan.gatewayPlans.map((g) => html`${g.gateway} <code>${g.id}</code> `) : 'none yet at this price: the first checkout at it creates one through the gateway’s API, or enter one'}</p>
${createButtons(plan, csrf)}
<form method="post" action="/admin/plans/${plan.id}/gateway" class="account-form">${csrfField(csrf)}
<select name="gateway" aria-label="Gateway"><option value="razorpay">Razorpay plan id</option><option value="stripe">Stripe price id</option></select>
${field(failed(-plan.id), `${prefix}-gw`, 'gatewayPlanId', 'Id', '')}<button type="submit" class="button secondary">Store</button></form></section>`;
    };
    const created = failed('new');
    const main = html`<h1>Plans</h1>${notice(extra.notice)}${extra.message ? html`<p class="form-error">${extra.message}</p>` : ''}
<p>A price or term change applies to new subscribers only: subscribers keep renewing at the price they bought. Something added to what a plan includes reaches its subscribers at once; something taken away stays with them until the term they paid for ends. A retired plan is no longer sold; its subscribers keep renewing.</p>
${plans.map(row)}
<section class="block"><h2>New plan</h2><form method="post" action="/admin/plans" class="account-form">${csrfField(csrf)}
${field(created, 'new', 'name', 'Name', '')}${field(created, 'new', 'slug', 'Address (/subscribe/…)', '')}${field(created, 'new', 'termCount', 'Term', '1')}${unitSelect('new', created?.values.termUnit ?? 'month')}${field(created, 'new', 'price', 'Price (₹, GST included)', '')}
${entitlementBoxes(created, 'new', extra.failed?.planId === 'new' ? (extra.failed.entitlements ?? []) : ctx.business.catalogue.entries.filter((e) => e.feature).map((e) => e.key))}
<button type="submit" class="button">Create</button></form></section>`;
    const page = adminLayout(await pageChrome(ctx, request), 'Plans', main);
    return sendPage(reply, status, page);
  }

  const planId = (request: FastifyRequest) => {
    const read = readForm(request, Params, 'params');
    if (!read.ok) throw new HttpProblem('not-found', 'There is no such plan.');
    return read.values.id;
  };

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      const guard = { attachValidation: true, onRequest: mayManageBusiness };
      const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

      app.get('/admin/plans', { schema: { querystring: Query }, ...guard }, async (request, reply) => {
        const query = readForm(request, Query, 'query');
        return show(request, reply, 200, {
          notice: query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined,
        });
      });

      app.post('/admin/plans', { schema: { body: CreateForm }, ...guard }, async (request, reply) => {
        const read = readForm(request, CreateForm);
        const entitlements = fieldList(request.body, 'entitlement');
        if (!read.ok) return show(request, reply, 400, { failed: { planId: 'new', form: read.form, entitlements } });
        const priceMinor = paise(read.values.price);
        if (priceMinor === null)
          return show(request, reply, 400, {
            failed: { planId: 'new', form: { values: read.values, errors: { price: 'The price must be above ₹0.' } }, entitlements },
          });
        const fields = {
          name: read.values.name,
          slug: read.values.slug,
          termCount: Number(read.values.termCount),
          termUnit: (read.values.termUnit || 'month') as 'day' | 'month' | 'year',
          priceMinor,
          entitlements,
          now: ctx.now(),
        };
        const created = await ctx.business.service.createPlan(actor(request), fields);
        if (!created.ok) {
          const errors = created.code === 'conflict' ? { slug: created.message } : { entitlements: created.message };
          return show(request, reply, created.code === 'conflict' ? 409 : 400, {
            failed: { planId: 'new', form: { values: read.values, errors }, entitlements },
          });
        }
        await ctx.refresh();
        return reply.redirect('/admin/plans?notice=created', 303);
      });

      app.post('/admin/plans/:id', { schema: { params: Params, body: PlanForm }, ...guard }, async (request, reply) => {
        const id = planId(request);
        const read = readForm(request, PlanForm);
        const entitlements = fieldList(request.body, 'entitlement');
        if (!read.ok) return show(request, reply, 400, { failed: { planId: id, form: read.form, entitlements } });
        const priceMinor = paise(read.values.price);
        if (priceMinor === null)
          return show(request, reply, 400, {
            failed: { planId: id, form: { values: read.values, errors: { price: 'The price must be above ₹0.' } }, entitlements },
          });
        const fields = {
          name: read.values.name,
          termCount: Number(read.values.termCount),
          termUnit: (read.values.termUnit || 'month') as 'day' | 'month' | 'year',
          priceMinor,
          entitlements,
          now: ctx.now(),
        };
        const saved = await ctx.business.service.editPlan(actor(request), id, fields);
        if (!saved.ok) {
          if (saved.code === 'not-found') throw new HttpProblem('not-found', saved.message);
          return show(request, reply, 400, {
            failed: { planId: id, form: { values: read.values, errors: { entitlements: saved.message } }, entitlements },
          });
        }
        await ctx.refresh();
        return reply.redirect('/admin/plans?notice=saved', 303);
      });

      app.post('/admin/plans/:id/action', { schema: { params: Params, body: ActionForm }, ...guard }, async (request, reply) => {
        const id = planId(request);
        const read = readForm(request, ActionForm);
        if (!read.ok || !read.values.action) return show(request, reply, 400, { message: 'Choose what to do with the plan.' });
        const done = await ctx.business.service.changePlan(actor(request), id, read.values.action as PlanAction, ctx.now());
        if (!done.ok) {
          if (done.code === 'not-found') throw new HttpProblem('not-found', done.message);
          return show(request, reply, 409, { message: done.message });
        }
        await ctx.refresh();
        return reply.redirect('/admin/plans?notice=changed', 303);
      });

      app.post(
        '/admin/plans/:id/gateway-plan',
        { schema: { params: Params, body: CreateAtGatewayForm }, ...guard },
        async (request, reply) => {
          const id = planId(request);
          const read = readForm(request, CreateAtGatewayForm);
          const chosen = read.ok ? planMaking.find((g) => g.name === read.values.gateway) : undefined;
          if (!chosen) return show(request, reply, 400, { message: 'Choose a gateway configured here to create the plan on.' });
          const done = await ctx.business.service.createGatewayPlan(actor(request), chosen, { planId: id, now: ctx.now() });
          if (!done.ok) {
            if (done.code === 'not-found') throw new HttpProblem('not-found', done.message);
            request.log.warn({ gateway: chosen.name, planId: id, message: done.message }, 'gateway plan not created');
            return show(request, reply, 502, { message: done.message });
          }
          return reply.redirect(`/admin/plans?notice=${done.value.created ? 'gateway-created' : 'gateway-known'}`, 303);
        },
      );

      app.post('/admin/plans/:id/gateway', { schema: { params: Params, body: GatewayForm }, ...guard }, async (request, reply) => {
        const id = planId(request);
        const read = readForm(request, GatewayForm);
        if (!read.ok || !read.values.gateway) {
          const form = read.ok ? { values: read.values, errors: { gatewayPlanId: 'Choose the gateway.' } } : read.form;
          return show(request, reply, 400, { failed: { planId: -id, form } });
        }
        const done = await ctx.business.service.setGatewayPlan(actor(request), {
          planId: id,
          gateway: read.values.gateway as 'razorpay' | 'stripe',
          gatewayPlanId: read.values.gatewayPlanId,
          now: ctx.now(),
        });
        if (!done.ok) throw new HttpProblem('not-found', done.message);
        return reply.redirect('/admin/plans?notice=changed', 303);
      });
    }),
  );
}
