import { describe, expect, it } from 'vitest';
import { renderBody, renderLead } from './render.js';

const body = ['First para.', '## A heading', 'Second para.', '- a\n- b', 'Third secret para.'].join('\n\n');

describe('article body rendering', () => {
  it('escapes raw HTML instead of passing it through', () => {
    const html = renderBody('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses javascript: links', () => {
    expect(renderBody('[x](javascript:alert(1))')).not.toContain('href="javascript:');
  });

  it('lead-in stops after the requested number of paragraphs', () => {
    const lead = renderLead(body, 2);
    expect(lead).toContain('First para.');
    expect(lead).toContain('<h2>A heading</h2>');
    expect(lead).toContain('Second para.');
    expect(lead).not.toContain('<li>');
    expect(lead).not.toContain('Third secret');
  });

  it('lead-in of zero paragraphs is empty', () => {
    expect(renderLead(body, 0)).toBe('');
  });
});
