import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Db } from '../domain/ports/database.js';

/** What a job's handler gets besides its payload. `attempt` is 1 on the first run. */
export interface JobContext {
  db: Db;
  now: () => Date;
  attempt: number;
}

/**
 * One kind of job: its name, the schema its payload must match, and what running it does. The runner
 * checks the payload against the schema when it claims the job, so a handler only ever sees a payload
 * of the shape it declares. Handlers must be idempotent: delivery is at least once.
 */
export interface JobKind<S extends TSchema = TSchema> {
  readonly kind: string;
  readonly payload: S;
  run(payload: Static<S>, ctx: JobContext): Promise<void>;
  /** True for a payload holding something that must not outlive the job (a sign-in code): it is erased once done. */
  readonly erasePayloadWhenDone?: (payload: Static<S>) => boolean;
}

export function defineJob<S extends TSchema>(
  kind: string,
  payload: S,
  run: (payload: Static<S>, ctx: JobContext) => Promise<void>,
  options: { erasePayloadWhenDone?: (payload: Static<S>) => boolean } = {},
): JobKind<S> {
  return { kind, payload, run, ...options };
}

/** The job kinds a runner knows, by name. Two kinds with one name are a programming error. */
export function jobRegistry(kinds: readonly JobKind[]): ReadonlyMap<string, JobKind> {
  const registry = new Map<string, JobKind>();
  for (const kind of kinds) {
    if (registry.has(kind.kind)) throw new Error(`job kind "${kind.kind}" is registered twice`);
    registry.set(kind.kind, kind);
  }
  return registry;
}

/** Why `payload` does not fit `kind`'s schema (the first problem, naming where), or null when it fits. */
export function payloadProblem(kind: JobKind, payload: unknown): string | null {
  if (Value.Check(kind.payload, payload)) return null;
  const [first] = Value.Errors(kind.payload, payload);
  return `payload does not match job kind "${kind.kind}": ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`;
}
