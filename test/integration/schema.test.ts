import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generateSchemaTypes, SCHEMA_FILE } from '../support/schema-types.js';

it('the table types the compiler checks queries against are those the migrations create (run `npm run db:types` after a migration)', async () => {
  expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(await generateSchemaTypes());
}, 60_000);
