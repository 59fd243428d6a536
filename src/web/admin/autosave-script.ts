/**
 * The article editor's autosave, served from /admin/assets/autosave.js (the CSP allows scripts from this
 * site only on the editor). A few seconds after typing, it posts the form as typed to the form's
 * `data-autosave` address; the article itself is not saved, so no version or revision changes. A failed
 * autosave says so beside the form and tries again; the text in the page is never touched.
 */
export const AUTOSAVE_SCRIPT = `(() => {
  'use strict';
  const form = document.querySelector('form[data-autosave]');
  const status = document.getElementById('autosave-status');
  if (!form || !status) return;
  let dirty = false;
  let busy = false;
  const say = (text, failed) => {
    status.textContent = text;
    status.classList.toggle('failed', failed);
  };
  form.addEventListener('input', () => { dirty = true; });
  form.addEventListener('change', () => { dirty = true; });
  form.addEventListener('submit', () => { dirty = false; });
  async function keep() {
    if (!dirty || busy) return;
    busy = true;
    dirty = false;
    const data = new URLSearchParams(new FormData(form));
    data.set('article', form.dataset.article || '');
    try {
      const response = await fetch(form.dataset.autosave, {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error('status ' + response.status);
      const answer = await response.json();
      const at = new Date(answer.saved_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      say('Unsaved changes kept at ' + at + '. Save to update the article.', false);
    } catch {
      dirty = true;
      say('Could not keep your unsaved changes just now: your text is still here. Trying again shortly.', true);
    } finally {
      busy = false;
    }
  }
  setInterval(keep, 2000);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') void keep(); });
})();
`;
