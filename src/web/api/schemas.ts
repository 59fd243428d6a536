import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import { PASSWORD_RULES } from '../../domain/accounts/passwords.js';
import type { Device, User } from '../../domain/accounts/model.js';
import type { IssuedSession } from '../../domain/accounts/session-service.js';
import type { Result } from '../../domain/errors.js';
import type { Rendition } from '../../domain/media/model.js';
import { can, type Actor } from '../../domain/policies/policies.js';
import { ERROR_STATUS, HttpProblem, type ErrorCode } from '../http/errors.js';
import { renditionUrl } from '../views/picture.js';

/** Every code an API error may carry: those of the one status table (`ERROR_STATUS`). */
const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The value of a use case, or its refusal thrown as a problem the API answers with the code's status. */
export function valueOrProblem<T>(result: Result<T>): T {
  if (!result.ok) throw new HttpProblem(result.code, result.message);
  return result.value;
}

const ErrorBody = Type.Object(
  {
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: ERROR_CODES }),
    message: Type.String(),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'For invalid-input from the admin API: the message for each field that was wrong.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Every API error: `{ "error": { "code", "message" } }`. */
export const ErrorResponse = Type.Object(
  { error: ErrorBody },
  {
    $id: 'ErrorResponse',
    title: 'ErrorResponse',
    additionalProperties: false,
    description: 'An error, with a stable code and a message safe to show.',
  },
);

export const DeviceJson = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('web'), Type.Literal('app')]),
    first_seen: Type.String({ format: 'date-time' }),
    last_seen: Type.String({ format: 'date-time' }),
    current: Type.Boolean({ description: 'True for the device making this request.' }),
    abilities: Type.Object(
      { sign_out: Type.Boolean({ description: 'Whether the reader may sign this device out (DELETE /api/v1/me/devices/{id}).' }) },
      { additionalProperties: false, description: 'What the reader may do with this device: show only the actions that will work.' },
    ),
  },
  { additionalProperties: false },
);

const ability = (description: string) => Type.Boolean({ description });

/** What the signed-in reader may do, beside their account (`accountAbilities`): an app shows only what will work. */
export const AbilitiesJson = Type.Object(
  {
    subscribe: ability('Buy a subscription.'),
    view_newsroom: ability('Open the newsroom (staff).'),
    edit_articles: ability('Write, edit and publish articles (staff).'),
    view_payments: ability('See payments (admins).'),
    refund: ability('Refund payments (admins).'),
    manage_readers: ability('Find readers and act on their data requests (admins).'),
  },
  { additionalProperties: false },
);

/** At the device limit: the reader picks a device to sign out, then calls /api/v1/auth/replace-device. */
export const DeviceLimitResponse = Type.Object(
  {
    error: ErrorBody,
    devices: Type.Array(DeviceJson),
    limit: Type.Integer({ description: 'How many devices may be signed in at once.' }),
    choice_token: Type.String({ description: 'Proves the choice to /api/v1/auth/replace-device; single use, 10 minutes.' }),
  },
  { $id: 'DeviceLimitResponse', title: 'DeviceLimitResponse', additionalProperties: false },
);

export const UserJson = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    role: Type.Union([Type.Literal('reader'), Type.Literal('editor'), Type.Literal('business'), Type.Literal('admin')]),
    email_verified: Type.Boolean(),
  },
  { additionalProperties: false },
);

const tokenFields = {
  access_token: Type.String({ description: 'Send as `Authorization: Bearer <access_token>`.' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires (one hour).' }),
  refresh_token: Type.String({ description: 'Exchanges once for a new pair at /api/v1/auth/refresh.' }),
};
export const TokenPair = Type.Object(tokenFields, { additionalProperties: false });
export const TokenResponse = Type.Object({ ...tokenFields, user: UserJson }, { additionalProperties: false });

// Request fields.
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_RULES.max });
/** Opaque tokens issued by this API (256-bit, base64url). */
export const OpaqueToken = Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' });
const Label = (description: string) => Type.String({ minLength: 1, maxLength: 60, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description });
export const DeviceFields = {
  device_name: Type.Optional(Label('What the reader calls this device, e.g. "Asha’s iPad".')),
  app_name: Type.Optional(Label('The app, e.g. "Ledger for iOS".')),
};

/** An uploaded image made at one width in one format, served for a year at `url` (relative to the site). */
export const RenditionJson = Type.Object(
  {
    url: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    format: Type.Union([Type.Literal('avif'), Type.Literal('webp'), Type.Literal('jpeg')]),
  },
  { additionalProperties: false },
);

export function renditionJson(r: Rendition): Static<typeof RenditionJson> {
  return { url: renditionUrl(r), width: r.width, height: r.height, format: r.format };
}

export const NoContent = Type.Null({ description: 'Done; no content.' });

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input (invalid-input, with the field in the message), or an expired or misused challenge (expired-code, wrong-browser, weak-password).',
  401: 'Not signed in (unauthorized), an invalid or expired token (invalid-token) or, when signing in, wrong credentials (invalid-credentials, invalid-code).',
  404: 'Not found (not-found).',
  409: 'At the device limit (device-limit-reached), or a conflict: someone changed the thing since you read it (conflict).',
  413: 'The request body is too large (payload-too-large).',
  415: 'The body is not JSON (unsupported-media-type).',
  422: 'The search matches too much to answer in time (search-too-broad): narrow it with dates, a section or fewer phrases.',
  429: 'Too many attempts (rate-limited); see the Retry-After header.',
  500: 'Something went wrong on the server (internal).',
  503: 'A database the site needs is briefly out of reach (unavailable); see the Retry-After header.',
};

const DEVICE_LIMIT = ERROR_STATUS['device-limit-reached'];

/**
 * Response schemas for the errors a route may answer with, named by code (their status comes from
 * ERROR_STATUS) or by status; all the shared ErrorResponse, but the device limit's DeviceLimitResponse.
 */
export function errorResponses(...errors: (ErrorCode | number)[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  const statuses = errors.map((e) => (typeof e === 'number' ? e : ERROR_STATUS[e]));
  // 409 is also a plain conflict: the device limit's own body only where the route names that code.
  const deviceLimit = errors.includes('device-limit-reached');
  for (const status of [...statuses, ERROR_STATUS.internal, ERROR_STATUS.unavailable]) {
    const schema = status === DEVICE_LIMIT && deviceLimit ? 'DeviceLimitResponse' : 'ErrorResponse';
    out[status] = Type.Ref(schema, { description: STATUS_TEXT[status] ?? 'Error.' });
  }
  return out;
}

/** Errors of a route that takes a JSON body. */
export const BODY_ERRORS = ['invalid-input', 'payload-too-large', 'unsupported-media-type'] as const satisfies readonly ErrorCode[];

const iso = (d: Date) => d.toISOString();

export function userJson(user: User): Static<typeof UserJson> {
  return { id: user.id, email: user.email, name: user.name, role: user.role, email_verified: user.emailVerifiedAt !== null };
}

/** A device as the API shows it to `actor`, with what they may do with it (policy `signOutDevice`). */
export function deviceJson(d: Device, actor: Actor): Static<typeof DeviceJson> {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    first_seen: iso(d.createdAt),
    last_seen: iso(d.lastSeenAt),
    current: d.current,
    abilities: { sign_out: can(actor, 'signOutDevice', d) },
  };
}

export function tokenPairJson(session: IssuedSession, now: Date): Static<typeof TokenPair> {
  return {
    access_token: session.token,
    token_type: 'Bearer',
    expires_in: Math.max(0, Math.round((session.tokenExpiresAt.getTime() - now.getTime()) / 1000)),
    refresh_token: session.refreshToken ?? '',
  };
}

const MAX_REPORTED = 5;
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** One line per problem, naming the field: "body/email must match format "email"", "body/extra is not allowed". */
function describe(e: FastifySchemaValidationError, dataVar: string): string[] {
  const at = `${dataVar}${clip(e.instancePath)}`;
  const params = e.params as { requiredProperties?: string[]; missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) return [`${at} is not allowed`];
  if (e.keyword === 'additionalProperties')
    return params.additionalProperty ? [`${at}/${clip(params.additionalProperty)} is not allowed`] : [];
  if (e.keyword === 'required') return (params.requiredProperties ?? [params.missingProperty ?? '']).map((p) => `${at}/${p} is required`);
  if (e.keyword === 'type' && e.instancePath === '' && dataVar === 'body') return ['body must be a JSON object'];
  return [`${at} ${e.message ?? 'is not valid'}`];
}

export function formatValidation(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const lines = [...new Set(errors.flatMap((e) => describe(e, dataVar)))];
  const shown = lines.slice(0, MAX_REPORTED).join('; ') || `${dataVar} is not valid`;
  return new Error(lines.length > MAX_REPORTED ? `${shown}; and ${lines.length - MAX_REPORTED} more` : shown);
}

/**
 * Makes a plugin scope answer like the app API: JSON bodies only (a cross-site form cannot post here),
 * validated strictly (no type coercion of bodies; unknown fields refused), with field-level messages,
 * and the shared error schemas available to `$ref`.
 */
export function apiScope(app: FastifyInstance): void {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setSchemaErrorFormatter(formatValidation);
  app.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
  registerSharedSchemas(app);
}

/** Adds ErrorResponse and DeviceLimitResponse to a scope; each scope that references them needs them. */
export function registerSharedSchemas(app: FastifyInstance): void {
  for (const schema of [ErrorResponse, DeviceLimitResponse]) app.addSchema(schema);
}
