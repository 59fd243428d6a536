import { recordChange } from '../audit/audit.js';
import { insertCatalogueRow, lockCatalogueRow } from '../entitlements/catalogue-queries.js';
import type { Db, Tx } from '../ports/database.js';
import type { PartnerProvisioners } from '../ports/partner-provisioning.js';
import { authorize, type Actor } from '../policies/policies.js';
import { announceChange } from '../site/changes.js';
import { dayIn } from '../time/zoned.js';
import { parseCodesCsv, PROBLEMS_SHOWN, type CodeRow, type Problem } from './codes-csv.js';
import {
  codeCounts,
  findUpload,
  insertCodes,
  insertUpload,
  issuedCodesPage,
  recentUploads,
  storedCodes,
  type CodeCounts,
  type UploadRecord,
} from './code-queries.js';
import { checkPartnerFields, PARTNER_KEY, type Partner, type PartnerFields, type ProvisioningKind } from './model.js';
import {
  findPartner,
  insertPartner,
  listPartnersWithStock,
  lockPartner,
  plansGranting,
  setPoolEmptyAt,
  updatePartner,
  type PartnerWithStock,
} from './queries.js';
import { reportLines } from './report.js';

/**
 * The business team's partner pages (policy `manageBusiness`): partners, their code uploads, the report. Every
 * change is audited (area `partners`) and announced, so the catalogue knows at once whether a partner's
 * entitlement works (a partner that can give codes) on every instance.
 */

export interface PartnerDeps {
  db: Db;
  now: () => Date;
  timeZone: () => string;
  provisioners: PartnerProvisioners;
}

export type SaveResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

/** An upload's outcome: imported or refused (nothing stored) with its record; null when there is no such partner. */
export type UploadResult = { ok: boolean; upload: UploadRecord };

export interface PartnerPage {
  partner: PartnerWithStock;
  counts: CodeCounts;
  plans: { name: string; active: boolean }[];
  uploads: UploadRecord[];
}

/** Upload and lookup batches: the file is read whole first, then stored in slices inside one transaction. */
const BATCH = 1000;
const REPORT_PAGE = 1000;

const userOf = (actor: Actor) => (actor.kind === 'user' ? actor.id : null);
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/** Whether a partner's stock is below its threshold (an API partner has no stock to run out of). */
export const lowOnCodes = (partner: Pick<PartnerWithStock, 'provisioning' | 'unclaimed' | 'lowStockThreshold'>): boolean =>
  partner.provisioning === 'code-pool' && partner.unclaimed < partner.lowStockThreshold;

export function createPartnerService(deps: PartnerDeps) {
  const { db } = deps;
  const today = () => dayIn(deps.now(), deps.timeZone()).date;
  const kinds = () => Object.keys(deps.provisioners) as ProvisioningKind[];

  return {
    /** The provisioning kinds this install offers staff. */
    kinds,

    async list(actor: Actor): Promise<PartnerWithStock[]> {
      authorize(actor, 'manageBusiness');
      return listPartnersWithStock(db, today());
    },

    async page(actor: Actor, id: number): Promise<PartnerPage | null> {
      authorize(actor, 'manageBusiness');
      const partner = await findPartner(db, id, today());
      if (!partner) return null;
      const [counts, plans, uploads] = await Promise.all([
        codeCounts(db, id, today()),
        plansGranting(db, partner.entitlement),
        recentUploads(db, id, 10),
      ]);
      return { partner, counts, plans, uploads };
    },

    /**
     * Adds a partner with its entitlement: a new catalogue entry under `entitlement` (named after the partner),
     * or the existing access entry of that key (the seeded `partner-bundle`), if no other partner has it.
     */
    async create(actor: Actor, fields: PartnerFields, entitlement: string): Promise<SaveResult> {
      authorize(actor, 'manageBusiness');
      const errors = checkPartnerFields(fields, kinds());
      if (!PARTNER_KEY.test(entitlement))
        errors.entitlement = 'partner- then lower-case letters, digits and hyphens (at most 40 in all), like partner-meridian.';
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const now = deps.now();
      return db.transaction().execute(async (tx) => {
        const entry = await lockCatalogueRow(tx, entitlement);
        if (entry && entry.kind !== 'access')
          return { ok: false, errors: { entitlement: 'That entitlement is not an access entitlement.' } };
        if (!entry) {
          const description = fields.includes ? `Complimentary access to ${fields.includes}`.slice(0, 300) : '';
          await insertCatalogueRow(tx, entitlement, { name: fields.name, description, position: 2, allowance: null }, userOf(actor), now);
          await recordChange(
            tx,
            {
              actor,
              area: 'entitlements',
              subject: entitlement,
              action: 'create',
              before: null,
              after: { name: fields.name, description },
            },
            now,
          );
        }
        const id = await insertPartner(tx, fields, entitlement, userOf(actor), now);
        if (id === null) return { ok: false, errors: { entitlement: 'Another partner has this entitlement: choose another key.' } };
        await recordChange(
          tx,
          { actor, area: 'partners', subject: `partner:${id}`, action: 'create', before: null, after: audited(fields, entitlement) },
          now,
        );
        await announceChange(tx);
        return { ok: true, id };
      });
    },

    /** Saves a partner's fields (its entitlement stays); null when there is no such partner. */
    async edit(actor: Actor, id: number, fields: PartnerFields): Promise<SaveResult | null> {
      authorize(actor, 'manageBusiness');
      const errors = checkPartnerFields(fields, kinds());
      const now = deps.now();
      return db.transaction().execute(async (tx) => {
        const partner = await lockPartner(tx, id);
        if (!partner) return null;
        if (Object.keys(errors).length > 0) return { ok: false, errors };
        await updatePartner(tx, id, fields, userOf(actor), now);
        const before = audited(partner, partner.entitlement);
        await recordChange(
          tx,
          { actor, area: 'partners', subject: `partner:${id}`, action: 'update', before, after: audited(fields, partner.entitlement) },
          now,
        );
        await announceChange(tx);
        return { ok: true, id };
      });
    },

    /**
     * Imports a file of codes: every row checked first (malformed, repeated in the file, already stored), then
     * stored in batches in one transaction, or nothing at all. Either way an upload record says what happened.
     */
    async upload(actor: Actor, id: number, file: { name: string; bytes: Buffer }): Promise<UploadResult | null> {
      authorize(actor, 'manageBusiness');
      const partner = await findPartner(db, id, today());
      if (!partner) return null;
      const now = deps.now();
      const record = { partnerId: id, fileName: file.name.slice(0, 200), uploadedBy: userOf(actor), createdAt: now };
      const text = decodeText(file.bytes);
      const parsed = text === null ? null : parseCodesCsv(text, today());
      const recordOf = async (uploadId: number) => {
        const upload = await findUpload(db, id, uploadId);
        if (!upload) throw new Error(`upload ${uploadId} of partner ${id} is not stored`);
        return upload;
      };
      const refuse = async (rowsRead: number, problems: Problem[], problemCount: number) => {
        const uploadId = await insertUpload(db, { ...record, status: 'rejected', rowsRead, imported: 0, problems, problemCount });
        return { ok: false, upload: await recordOf(uploadId) };
      };
      if (parsed === null) return refuse(0, [{ line: 1, message: 'not a text file (UTF-8 CSV)' }], 1);
      if (parsed.problemCount > 0) return refuse(parsed.rowsRead, parsed.problems, parsed.problemCount);
      try {
        const done = await db.transaction().execute(async (tx) => {
          const stored = await alreadyStored(tx, id, parsed.rows);
          if (stored.length > 0) return { problems: stored };
          const imported = parsed.rows.length;
          const upload = { ...record, status: 'imported' as const, rowsRead: parsed.rowsRead, imported, problems: [], problemCount: 0 };
          const uploadId = await insertUpload(tx, upload);
          for (let at = 0; at < imported; at += BATCH) await insertCodes(tx, id, uploadId, parsed.rows.slice(at, at + BATCH));
          await setPoolEmptyAt(tx, id, null);
          const after = { upload: uploadId, codes: imported };
          await recordChange(tx, { actor, area: 'partners', subject: `partner:${id}`, action: 'upload-codes', before: null, after }, now);
          await announceChange(tx);
          return { uploadId };
        });
        if ('problems' in done) return await refuse(parsed.rowsRead, done.problems.slice(0, PROBLEMS_SHOWN), done.problems.length);
        return { ok: true, upload: await recordOf(done.uploadId) };
      } catch (error) {
        // Another upload stored some of these codes between our check and our insert.
        if (!isUniqueViolation(error)) throw error;
        const message = 'some of these codes were stored by another upload just now: upload the file again to see which';
        return refuse(parsed.rowsRead, [{ line: 1, message }], 1);
      }
    },

    async uploadRecord(actor: Actor, partnerId: number, uploadId: number): Promise<UploadRecord | null> {
      authorize(actor, 'manageBusiness');
      return findUpload(db, partnerId, uploadId);
    },

    /** The partner report as CSV lines (header first), read a page at a time so memory stays flat; null: no such partner. */
    async report(actor: Actor, id: number): Promise<{ partner: Partner; lines: AsyncIterable<string> } | null> {
      authorize(actor, 'manageBusiness');
      const partner = await findPartner(db, id, today());
      if (!partner) return null;
      return { partner, lines: reportLines((after) => issuedCodesPage(db, id, after, REPORT_PAGE), deps.timeZone()) };
    },
  };
}

export type PartnerService = ReturnType<typeof createPartnerService>;

const audited = (fields: PartnerFields, entitlement: string) => ({
  name: fields.name,
  includes: fields.includes,
  activationUrl: fields.activationUrl,
  terms: fields.terms,
  lowStockThreshold: fields.lowStockThreshold,
  provisioning: fields.provisioning,
  entitlement,
});

/** The rows whose codes the partner already holds, as problems by line (looked up a slice at a time). */
async function alreadyStored(tx: Tx, partnerId: number, rows: readonly CodeRow[]): Promise<Problem[]> {
  const lineOf = new Map(rows.map((r) => [r.code, r.line]));
  const problems: Problem[] = [];
  for (let at = 0; at < rows.length; at += BATCH * 5) {
    const codes = rows.slice(at, at + BATCH * 5).map((r) => r.code);
    for (const code of await storedCodes(tx, partnerId, codes))
      problems.push({ line: lineOf.get(code) ?? 0, message: 'this code is already stored' });
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** The file's text, or null when it is not UTF-8 (a spreadsheet saved in its own format, an image). */
function decodeText(bytes: Buffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}
