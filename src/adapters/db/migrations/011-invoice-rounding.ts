/**
 * Invoices and credit notes print each tax as its rate of the printed taxable value, rounded to the paisa,
 * with CGST equal to SGST (`splitGstInclusive`). Those rounded parts cannot add up to every total: where
 * they fall a paisa short or over, the document prints a "Rounding" line of the difference (total minus
 * the parts, never stored twice). The parts used to add up exactly; now they may differ by one paisa.
 */
export default /* sql */ `
alter table invoices drop constraint invoices_check;
alter table invoices add constraint invoices_parts_add_up
  check (abs(total_minor - taxable_minor - cgst_minor - sgst_minor - igst_minor) <= 1);
`;
