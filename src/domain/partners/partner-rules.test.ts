import { describe, expect, it } from 'vitest';
import { parseCodesCsv } from './codes-csv.js';
import { activationLink, activationUrlProblem, checkPartnerFields } from './model.js';
import { csvField } from './report.js';

const TODAY = '2026-11-24';

describe('parseCodesCsv', () => {
  it('reads one code a line, a header, a quoted code, an expiry day, CRLF and a byte-order mark; trailing blank lines are not rows', () => {
    const parsed = parseCodesCsv('\uFEFFcode,expires\r\nA-1\r\n"B-2",2026-11-24\r\nC-3,\r\n\r\n', TODAY);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rowsRead).toBe(3);
    expect(parsed.rows).toEqual([
      { line: 2, code: 'A-1', expiresOn: null },
      { line: 3, code: 'B-2', expiresOn: '2026-11-24' },
      { line: 4, code: 'C-3', expiresOn: null },
    ]);
  });

  it('names each bad line: empty, too long, bad characters, a formula-like start, stray quotes, extra columns, bad or past days, repeats', () => {
    const lines = ['A-1', '', 'X'.repeat(201), 'a b', '=SUM(1)', 'A"B', 'A,2026-01-01,x', 'B,2026-13-01', 'C,2026-11-23', 'A-1'];
    const parsed = parseCodesCsv(lines.join('\n'), TODAY);
    expect(parsed.rows.map((r) => r.code)).toEqual(['A-1']);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(parsed.problems.at(-1)?.message).toBe('the same code as line 1');
    expect(parsed.problemCount).toBe(9);
  });

  it('refuses a file with no codes, and keeps at most 200 problems while counting them all', () => {
    expect(parseCodesCsv('code\n', TODAY).problems).toEqual([{ line: 1, message: 'no codes in the file' }]);
    const many = parseCodesCsv(Array.from({ length: 500 }, () => 'bad code').join('\n'), TODAY);
    expect(many.problems).toHaveLength(200);
    expect(many.problemCount).toBe(500);
  });
});

describe('activation addresses', () => {
  it('takes https addresses with {code}, and refuses http, other braces, quotes, credentials and non-addresses', () => {
    expect(activationUrlProblem('https://partner.example/redeem?code={code}')).toBeNull();
    expect(activationUrlProblem('https://partner.example/start')).toBeNull();
    for (const bad of [
      'http://partner.example/?c={code}',
      'javascript:alert(1)',
      'https://partner.example/?c={cod}',
      'https://partner.example/"onmouseover="x',
      'https://user:pw@partner.example/',
      'https://',
    ])
      expect(activationUrlProblem(bad), bad).not.toBeNull();
  });

  it('puts the code in URL-encoded', () => {
    expect(activationLink('https://p.example/r?c={code}&x={code}', 'A+B/C=&')).toBe(
      'https://p.example/r?c=A%2BB%2FC%3D%26&x=A%2BB%2FC%3D%26',
    );
  });

  it('checks every field of a partner at once', () => {
    const errors = checkPartnerFields(
      { name: '', includes: '', activationUrl: 'http://x', terms: '', lowStockThreshold: Number.NaN, provisioning: 'api' },
      ['code-pool'],
    );
    expect(Object.keys(errors).sort()).toEqual(['activationUrl', 'lowStockThreshold', 'name', 'provisioning']);
  });
});

describe('the report’s fields', () => {
  it('quotes what must be quoted and never lets a spreadsheet read a code as a formula', () => {
    expect(csvField('ABC-1')).toBe('ABC-1');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
  });
});
