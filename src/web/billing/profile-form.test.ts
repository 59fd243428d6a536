import { describe, expect, it } from 'vitest';
import { checkGstin, checkPin, checkState, readProfileForm } from './profile-form.js';

const GOOD = {
  name: ' Asha  Reader ',
  address_line1: '12 Park Street',
  address_line2: '',
  city: 'Mumbai',
  state: '27',
  pin: '400 013',
  gstin: '',
};

describe('billing details form', () => {
  it('cleans and accepts a complete address', () => {
    expect(readProfileForm(GOOD)).toEqual({
      ok: true,
      profile: {
        name: 'Asha Reader',
        addressLine1: '12 Park Street',
        addressLine2: '',
        city: 'Mumbai',
        stateCode: '27',
        pin: '400013',
        gstin: null,
      },
    });
  });

  it('checks PIN codes: six digits, not starting with 0', () => {
    expect(checkPin('560001')).toEqual({ ok: true, value: '560001' });
    for (const pin of ['012345', '56001', '5600011', 'ABCDEF', '']) expect(checkPin(pin).ok).toBe(false);
  });

  it('knows only selectable States', () => {
    expect(checkState('29').ok).toBe(true);
    expect(checkState('25').ok).toBe(false); // legacy Daman and Diu
    expect(checkState('99').ok).toBe(false);
  });

  it('checks a GSTIN’s checksum and that it belongs to the chosen State', () => {
    expect(checkGstin('27aaact0000d1z9', '27')).toEqual({ ok: true, value: '27AAACT0000D1Z9' });
    expect(checkGstin('', '27')).toEqual({ ok: true, value: null });
    expect(checkGstin('27AAACT0000D1Z8', '27').ok).toBe(false);
    expect(checkGstin('27AAACT0000D1Z9', '29')).toEqual({ ok: false, error: expect.stringContaining('registered in Maharashtra') });
  });

  it('keeps what was typed and says what is wrong, field by field', () => {
    const result = readProfileForm({ ...GOOD, city: '', pin: '012345', state: 'XX' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.form.errors).sort()).toEqual(['city', 'pin', 'state']);
    expect(result.form.values.pin).toBe('012345');
    expect(result.form.values.name).toBe(' Asha  Reader ');
  });
});
