import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. */
// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_RULES = { min: 8, max: 256 } as const;

/** The most common passwords in public breach lists: refused outright (ASVS 6.2.4). */
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  '11111111',
  '00000000',
  '87654321',
  'iloveyou',
  'abc12345',
  'abcd1234',
  'welcome1',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'trustno1',
  'letmein1',
  'passw0rd',
  'p@ssw0rd',
  'admin123',
  'qwerty12',
  'zaq12wsx',
  '1q2w3e4r',
  '1qaz2wsx',
  'asdfghjkl',
  'asdf1234',
  'q1w2e3r4',
  'monkey12',
  'dragon12',
  'master12',
  'changeme',
  'whatever',
  'computer',
  'michael1',
  'jennifer',
  'starwars',
  'internet',
  'samsung1',
  'india123',
  'mumbai123',
  'cricket1',
  'sachin10',
  'krishna1',
  'ganesh123',
]);

/** Why a new password is refused, or null when it is acceptable. No composition rules (ASVS 6.2.5). */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_RULES.min) return `Use at least ${PASSWORD_RULES.min} characters.`;
  if (password.length > PASSWORD_RULES.max) return `Use at most ${PASSWORD_RULES.max} characters.`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'That password is too common. Choose another.';
  if (email && lower === email.toLowerCase()) return 'Do not use your email address as your password.';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spends the time of a real check when there is no account, so timing does not reveal which addresses exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy password for timing');
  await verifyPassword(await dummy, password);
  return false;
}
