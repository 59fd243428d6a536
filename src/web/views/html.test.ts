import { describe, expect, it } from 'vitest';
import { html, jsonForScript, raw } from './html.js';

describe('html templates', () => {
  it('escape interpolated text by default', () => {
    expect(html`<p>${'<b>"x" & \'y\'</b>'}</p>`.value).toBe('<p>&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</p>');
  });
  it('keep nested templates and raw markup as they are', () => {
    expect(html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html`${raw('<em>ok</em>')}`.value).toBe('<em>ok</em>');
  });
  it('drop null, undefined and false', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
  it('JSON in a script block cannot close the script', () => {
    expect(jsonForScript({ a: '</script><script>alert(1)</script>' }).value).not.toContain('</script>');
  });
});
