import { adminLayout, allowedTo } from './admin-layout.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SECTION_RULES, type SectionRule } from '../../domain/access/model.js';
import { PAYWALL_LIMITS, PROVENANCE_PREFIX, type PaywallSettings } from '../../domain/access/paywall-settings.js';
import type { Section } from '../../domain/content/model.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { csrfField, notice } from '../accounts/views.js';
import { declaredRoutes, form, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';

const WHOLE = (label: string) =>
  text({
    maxLength: 9,
    normalise: ['trim'],
    pattern: '^\\d{1,9}$',
    messages: { pattern: `${label}: write a whole number.`, maxLength: `${label}: write a whole number.` },
  });
const PaywallForm = form({
  freeLimit: WHOLE('Free articles'),
  registrationWall: keyword(['on']),
  registrationBonus: WHOLE('Bonus articles'),
  leadBlocks: WHOLE('Blocks'),
  leadWords: WHOLE('Words'),
  networkBudget: WHOLE('Network budget'),
  unmeteredProvenances: text({ maxLength: 2000, messages: { maxLength: 'At most 2,000 characters.' } }),
});
const Query = form({ notice: keyword(['saved']) });

const NUMBER_FIELDS = [
  ['freeLimit', 'Free articles a month', PAYWALL_LIMITS.freeLimit],
  ['registrationBonus', 'Bonus articles for registering', PAYWALL_LIMITS.registrationBonus],
  ['leadBlocks', 'Lead-in: at most this many blocks', PAYWALL_LIMITS.leadBlocks],
  ['leadWords', 'Lead-in: at most this many words', PAYWALL_LIMITS.leadWords],
  ['networkBudget', 'Free reads a month per network, for readers without an account', PAYWALL_LIMITS.networkBudget],
] as const;

const mayManageBusiness = allowedTo('manageBusiness');

function formOf(settings: PaywallSettings): FormState {
  return {
    values: {
      freeLimit: String(settings.freeLimit),
      registrationWall: settings.registrationWall ? 'on' : '',
      registrationBonus: String(settings.registrationBonus),
      leadBlocks: String(settings.lead.blocks),
      leadWords: String(settings.lead.words),
      networkBudget: String(settings.networkBudget),
      unmeteredProvenances: settings.unmeteredProvenances.join('\n'),
      ...Object.fromEntries(Object.entries(settings.sectionRules).map(([slug, rule]) => [`section_${slug}`, rule])),
    },
    errors: {},
  };
}

/** Reads the typed form into settings, or the messages beside each field that is out of range. */
function readSettings(
  raw: Record<string, unknown>,
  values: Record<string, string>,
  sections: readonly Section[],
): { ok: true; settings: PaywallSettings } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const n: Record<string, number> = {};
  for (const [name, label, [min, max]] of NUMBER_FIELDS) {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) errors[name] = `${label}: from ${min} to ${max.toLocaleString('en-IN')}.`;
    n[name] = value;
  }
  const wall = values.registrationWall === 'on';
  if (wall && n.registrationBonus === 0)
    errors.registrationBonus = 'With the registration wall on, give at least 1 bonus article (or turn the wall off).';
  const prefixes = (values.unmeteredProvenances ?? '')
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
  const bad = prefixes.find((p) => !PROVENANCE_PREFIX.test(p));
  if (bad) errors.unmeteredProvenances = `"${bad}" is not a provenance: write staff, wire:, wire:<agency>, partner: or partner:<name>.`;
  const sectionRules: Record<string, SectionRule> = {};
  for (const section of sections) {
    const rule = raw[`section_${section.slug}`];
    if (typeof rule === 'string' && (SECTION_RULES as readonly string[]).includes(rule)) sectionRules[section.slug] = rule as SectionRule;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      freeLimit: n.freeLimit ?? 0,
      registrationWall: wall,
      registrationBonus: n.registrationBonus ?? 0,
      lead: { blocks: n.leadBlocks ?? 0, words: n.leadWords ?? 0 },
      networkBudget: n.networkBudget ?? 1,
      sectionRules,
      unmeteredProvenances: [...new Set(prefixes)],
    },
  };
}

/** The paywall settings (policy `manageBusiness`): saved in the database, in force at once on every instance. */
export async function adminPaywallRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  async function show(request: FastifyRequest, reply: FastifyReply, status: number, state: FormState, saved?: string) {
    const sections = await ctx.content.sections();
    const v = state.values;
    const field = (name: string, label: string) => {
      const error = state.errors[name];
      return html`<p class="field"><label for="${name}">${label}</label>
${error ? html`<span class="field-error" id="${name}-error">${error}</span>` : ''}
<input id="${name}" name="${name}" inputmode="numeric" value="${v[name] ?? ''}"${error ? html` aria-describedby="${name}-error" aria-invalid="true"` : ''}></p>`;
    };
    const ruleSelect = (section: Section) => {
      const current = v[`section_${section.slug}`] ?? '';
      const option = (value: string, label: string) =>
        html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
      return html`<tr><td><label for="section_${section.slug}">${section.name}</label></td><td><select id="section_${section.slug}" name="section_${section.slug}">
${option('', 'As each article says')}${option('free', 'Free (metered articles read free)')}${option('metered', 'Metered (free articles use the meter too)')}${option('premium', 'Premium only (every article)')}
</select></td></tr>`;
    };
    const provError = state.errors.unmeteredProvenances;
    const main = html`<h1>Paywall</h1>${notice(saved)}${state.message ? html`<p class="form-error">${state.message}</p>` : ''}
<form method="post" action="/admin/paywall" class="account-form">${csrfField(reply.generateCsrf())}
<h2>Meter</h2>${field('freeLimit', 'Free articles a month')}
<p class="field"><label><input type="checkbox" name="registrationWall" value="on"${v.registrationWall === 'on' ? html` checked` : ''}> Registration wall: offer a free account with bonus articles at the limit</label></p>
${field('registrationBonus', 'Bonus articles for registering')}
${field('networkBudget', 'Free reads a month per network, for readers without an account')}
<h2>Lead-in before the paywall</h2>${field('leadBlocks', 'At most this many blocks (paragraphs, list items, quotes)')}${field('leadWords', 'At most this many words')}
<h2>Sections</h2>
<p>A section rule only raises an article's gate, except "Free", which lifts the meter off the section's metered articles. A premium article stays premium under every rule.</p>
<table class="admin-payments"><tbody>${sections.map(ruleSelect)}</tbody></table>
<h2>Provenance</h2>
<p class="field"><label for="unmeteredProvenances">Never metered (one a line): <code>wire:</code> for all wire copy, <code>wire:PTI</code> for one agency, <code>partner:</code></label>
${provError ? html`<span class="field-error" id="unmeteredProvenances-error">${provError}</span>` : ''}
<textarea id="unmeteredProvenances" name="unmeteredProvenances" rows="3" cols="40">${v.unmeteredProvenances ?? ''}</textarea></p>
<p><button type="submit" class="button">Save</button></p></form>`;
    const page = adminLayout(await pageChrome(ctx, request), 'Paywall', main);
    return sendPage(reply, status, page);
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      const guard = { attachValidation: true, onRequest: mayManageBusiness };
      app.get('/admin/paywall', { schema: { querystring: Query }, ...guard }, async (request, reply) => {
        const settings = await ctx.business.service.paywallSettingsFor(actorOf(request.auth?.user), ctx.business.defaults);
        const query = readForm(request, Query, 'query');
        return show(
          request,
          reply,
          200,
          formOf(settings),
          query.ok && query.values.notice === 'saved' ? 'Saved: in force now.' : undefined,
        );
      });
      app.post('/admin/paywall', { schema: { body: PaywallForm }, ...guard }, async (request, reply) => {
        const raw = request.body as Record<string, unknown>;
        const sectionValues = Object.fromEntries(
          Object.entries(raw).filter(([k, val]) => k.startsWith('section_') && typeof val === 'string'),
        ) as Record<string, string>;
        const read = readForm(request, PaywallForm);
        if (!read.ok) return show(request, reply, 400, { ...read.form, values: { ...read.form.values, ...sectionValues } });
        const checked = readSettings(raw, read.values, await ctx.content.sections());
        if (!checked.ok) return show(request, reply, 400, { values: { ...read.values, ...sectionValues }, errors: checked.errors });
        await ctx.business.service.updatePaywallSettings(actorOf(request.auth?.user), {
          settings: checked.settings,
          defaults: ctx.business.defaults,
          now: ctx.now(),
        });
        await ctx.refresh();
        return reply.redirect('/admin/paywall?notice=saved', 303);
      });
    }),
  );
}
