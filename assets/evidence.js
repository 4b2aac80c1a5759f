// citecheck's evidence pane: beside the document text, the text of a source of a claim's refs,
// where a selection becomes the code point offsets of a passage that the pane's form saves as
// evidence. The pane opens and saves without a reload; without this script its links open it
// with a page load and its offsets are typed in.
//
// Importing app.js shares its one instance with the page's own <script>: a module runs once per
// URL, so its setup does not run twice.
import { selectionOffsets, sendInPlace } from './app.js';

const $ = (id) => document.getElementById(id);

// sourcePoints caches the code points of each source text shown, to cut quotes out of it.
const sourcePoints = new WeakMap();

function points(root) {
  if (!sourcePoints.has(root)) sourcePoints.set(root, Array.from(root.textContent));
  return sourcePoints.get(root);
}

// openPane fetches the pane that a link names (data-pane) and puts it beside the text, in place
// of the one shown; the address bar gets the link's own address, which opens the same pane.
async function openPane(link) {
  let res;
  try {
    res = await fetch(link.dataset.pane, {
      credentials: 'same-origin',
      headers: { 'X-Citecheck-Fragment': 'split', Accept: 'text/html' },
    });
  } catch {
    res = null;
  }
  const tpl = document.createElement('template');
  if (res && res.ok) tpl.innerHTML = await res.text();
  const pane = tpl.content.getElementById('split-pane');
  if (!pane) {
    location.assign(link.href); // the page load says what went wrong
    return;
  }
  const old = $('split-pane');
  if (old) old.replaceWith(pane);
  else document.querySelector('.doc-layout > .doc-main').after(pane);
  document.querySelector('.doc-layout').classList.add('splitting');
  history.replaceState(null, '', link.getAttribute('href'));
  pane.scrollIntoView({ block: 'nearest' });
}

function closePane() {
  const pane = $('split-pane');
  if (pane) pane.remove();
  document.querySelector('.doc-layout').classList.remove('splitting');
  const url = new URL(location.href);
  url.searchParams.delete('evidence');
  url.searchParams.delete('source');
  url.hash = '';
  history.replaceState(null, '', url);
}

// onSelection fills the form's offsets and quote from a selection inside the source's text; a
// selection elsewhere leaves the last passage picked.
function onSelection() {
  const root = $('source-text');
  const form = $('evidence-form');
  const sel = window.getSelection();
  if (!root || !form || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
  const offsets = selectionOffsets(root, sel);
  if (!offsets) return;
  const quote = points(root).slice(offsets.start, offsets.end).join('');
  form.elements.start.value = offsets.start;
  form.elements.end.value = offsets.end;
  form.elements.quote.value = quote;
  form.querySelector('.quote-preview').textContent = quote;
  form.querySelector('.form-error').textContent = '';
}

// onSave sends the form in place: the answer swaps in the claim's panel entry, the counts, the
// Sources panel and the pane with its new evidence.
async function onSave(form) {
  const error = form.querySelector('.form-error');
  if (form.elements.start.value === '' || form.elements.end.value === '') {
    error.textContent = 'Select the passage in the source first.';
    return;
  }
  const quote = form.elements.quote.value;
  form.setAttribute('aria-busy', 'true');
  const { error: message } = await sendInPlace(form, 'document');
  form.removeAttribute('aria-busy');
  if (message) {
    error.textContent = message;
    return;
  }
  window.getSelection().removeAllRanges();
  const status = document.querySelector('#split-pane .split-status');
  if (status) status.textContent = quote ? `Saved: “${quote}”.` : 'Saved.';
}

function init() {
  if (!document.querySelector('.doc-layout')) return;
  document.addEventListener('click', (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const link = e.target.closest && e.target.closest('a.split-link[data-pane], a.split-close');
    if (!link) return;
    e.preventDefault();
    if (link.matches('.split-close')) closePane();
    else openPane(link);
  });
  document.addEventListener('selectionchange', onSelection);
  document.addEventListener('submit', (e) => {
    if (e.target.id !== 'evidence-form') return;
    e.preventDefault();
    onSave(e.target);
  });
}

init();
