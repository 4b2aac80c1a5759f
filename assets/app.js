// citecheck's one script. It turns a selection in the document text into code point offsets and
// saves it as a claim through the JSON API; everything else on the page works with plain forms.
//
// Every text node in #doc-text is the only child of a <span data-o="N">, where N is the code
// point offset of its first character, so each end of a selection resolves on its own.

// codePoints counts the code points in s; a surrogate pair counts once.
export function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// codePointsBefore counts the code points of s that end at or before UTF-16 index i, so an
// index that splits a surrogate pair rounds down.
export function codePointsBefore(s, i) {
  let n = 0;
  let u = 0;
  for (const ch of s) {
    u += ch.length;
    if (u > i) break;
    n++;
  }
  return n;
}

function docLength(root) {
  return parseInt(root.dataset.length, 10) || 0;
}

function runOffset(text) {
  const span = text.parentNode;
  return parseInt(span.dataset.o, 10);
}

// textWalker visits the run text nodes of root in document order.
function textWalker(root) {
  return document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.parentNode && n.parentNode.dataset && n.parentNode.dataset.o !== undefined
        ? NodeFilter.FILTER_ACCEPT
        : NodeFilter.FILTER_SKIP,
  });
}

// pointOffset resolves one boundary point (node, offset) to a code point offset in root.
export function pointOffset(root, node, offset) {
  const all = document.createRange();
  all.selectNodeContents(root);
  const where = all.comparePoint(node, offset);
  if (where < 0) return 0;
  if (where > 0) return docLength(root);

  if (node.nodeType === Node.TEXT_NODE) {
    if (node.parentNode && node.parentNode.dataset && node.parentNode.dataset.o !== undefined) {
      return runOffset(node) + codePointsBefore(node.data, offset);
    }
    // A text node that is not a run (there should be none): resolve from after it.
    return firstTextAfter(root, node, true);
  }
  if (offset < node.childNodes.length) {
    const child = node.childNodes[offset];
    if (child.nodeType === Node.TEXT_NODE && child.parentNode.dataset.o !== undefined) {
      return runOffset(child);
    }
    return firstTextAfter(root, child, false);
  }
  return firstTextAfter(root, node, true);
}

// firstTextAfter finds the first run text node at or after node in document order (after the
// whole of node when skipInside) and answers its offset, or the document length if none.
function firstTextAfter(root, node, skipInside) {
  const w = textWalker(root);
  w.currentNode = node;
  let t = w.nextNode();
  while (t && skipInside && node.contains(t)) t = w.nextNode();
  return t ? runOffset(t) : docLength(root);
}

// selectionOffsets answers {start, end} in code points for the part of selection inside root,
// or null when it is empty there.
export function selectionOffsets(root, selection) {
  if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < selection.rangeCount; i++) {
    const r = selection.getRangeAt(i);
    start = Math.min(start, pointOffset(root, r.startContainer, r.startOffset));
    end = Math.max(end, pointOffset(root, r.endContainer, r.endOffset));
  }
  return end > start ? { start, end } : null;
}

window.citecheck = { selectionOffsets };

const $ = (id) => document.getElementById(id);

function csrfToken() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : '';
}

function claimForm() {
  return $('claim-form');
}

let pending = 0; // numbers the suggest requests so a stale answer is dropped
let current = null; // {start, end, quote} of the selection the form is for

function hideForm() {
  const form = claimForm();
  if (!form) return;
  form.hidden = true;
  form.reset();
  form.querySelector('.form-error').textContent = '';
  form.querySelector('.quote-preview').textContent = '';
  form.querySelector('.no-citation').hidden = true;
  current = null;
}

function selectionInText() {
  const root = $('doc-text');
  const sel = window.getSelection();
  if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!range.intersectsNode(root)) return null;
  const offsets = selectionOffsets(root, sel);
  return offsets ? { root, range, offsets } : null;
}

async function suggest(docId, { start, end }) {
  try {
    const res = await fetch(`/api/v1/documents/${docId}/suggest?start=${start}&end=${end}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) return {};
    return await res.json();
  } catch {
    return {};
  }
}

async function onSelect(clickedText) {
  const form = claimForm();
  const found = selectionInText();
  if (!form) return;
  if (!found) {
    if (clickedText) {
      pending++;
      hideForm(); // a plain click in the text dismisses the form
    }
    return;
  }
  const { root, range, offsets } = found;
  const rect = range.getBoundingClientRect();
  const ticket = ++pending;
  const hint = await suggest(root.dataset.docId, offsets);
  if (ticket !== pending) return;

  current = { ...offsets, quote: typeof hint.quote === 'string' ? hint.quote : null };
  form.elements.start.value = offsets.start;
  form.elements.end.value = offsets.end;
  form.elements.refs.value = Array.isArray(hint.refs) ? hint.refs.join(', ') : '';
  form.querySelector('.quote-preview').textContent = current.quote ?? range.toString();
  form.querySelector('.form-error').textContent = '';
  // No marker in or after the selection, nor in its sentence: say so, and offer the verdict.
  form.querySelector('.no-citation').hidden = !(Array.isArray(hint.refs) && hint.refs.length === 0 && hint.sentence_cited === false);
  // Placing an orphan (?reanchor=ID): the selection is its new span; refs, status and note stay.
  form.classList.toggle('reanchoring', !!root.dataset.reanchor);
  form.hidden = false;

  const width = form.offsetWidth;
  const height = form.offsetHeight;
  const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
  // Below the selection when the form fits in the window there, else above it when it fits
  // there: a form hanging below the window makes the page longer, and the page jumps back when
  // it closes.
  let top = rect.bottom + 8;
  if (top + height > document.documentElement.clientHeight && rect.top - 8 - height >= 0) {
    top = rect.top - 8 - height;
  }
  form.style.left = `${left + window.scrollX}px`;
  form.style.top = `${top + window.scrollY}px`;
}

// parseRefs reads "30, 31" or "30 31" as [30, 31]; it answers null if a part is not a number.
function parseRefs(text) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const refs = parts.map((p) => (/^\d+$/.test(p) ? parseInt(p, 10) : NaN));
  return refs.some((n) => !Number.isSafeInteger(n)) ? null : refs;
}

// refresh swaps in the text, the panel and the summary from a fresh copy of the page, keeping
// the reader where they were.
async function refresh() {
  const y = window.scrollY;
  const panel = $('claims-panel');
  const panelTop = panel ? panel.scrollTop : 0;
  const res = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) {
    location.reload();
    return;
  }
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const id of ['doc-text', 'claims-panel', 'doc-summary']) {
    const now = $(id);
    const next = fresh.getElementById(id);
    if (now && next) now.replaceWith(document.importNode(next, true));
  }
  const newPanel = $('claims-panel');
  if (newPanel) newPanel.scrollTop = panelTop;
  window.scrollTo(window.scrollX, y);
}

async function onSave(event) {
  event.preventDefault();
  const form = claimForm();
  const error = form.querySelector('.form-error');
  if (!current) return;
  const refs = parseRefs(form.elements.refs.value);
  if (refs === null) {
    error.textContent = 'Refs must be whole numbers, separated by commas or spaces.';
    return;
  }
  const body = { start: current.start, end: current.end, refs,
    status: form.elements.status.value, note: form.elements.note.value };
  if (current.quote !== null) body.quote = current.quote;
  const { docId, reanchor, version } = $('doc-text').dataset;
  error.textContent = '';
  let res;
  try {
    res = await fetch(reanchor ? `/api/v1/claims/${reanchor}` : `/api/v1/documents/${docId}/claims`, {
      method: reanchor ? 'PATCH' : 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify(reanchor ? { version: parseInt(version, 10), start: current.start, end: current.end } : body),
      credentials: 'same-origin',
    });
  } catch (e) {
    error.textContent = `Could not save: ${e.message}`;
    return;
  }
  if (reanchor && res.ok) {
    location.assign(`${location.pathname}#c-${reanchor}`); // the page again, out of re-anchoring
    return;
  }
  if (res.status === 201) {
    await refresh();
    hideForm();
    window.getSelection().removeAllRanges();
    return;
  }
  let message = `${res.status} ${res.statusText}`;
  try {
    const data = await res.json();
    if (data && data.error && data.error.message) message = data.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  error.textContent = message;
}

function init() {
  const form = claimForm();
  if (!form) return;
  // The form is positioned against the page, so it lives directly in body.
  document.body.appendChild(form);
  form.addEventListener('submit', onSave);
  form.querySelector('.cancel').addEventListener('click', hideForm);
  form.querySelector('.mark-cn').addEventListener('click', () => {
    form.elements.status.value = 'citation-needed';
    form.requestSubmit();
  });

  // Listen on document: #doc-text is replaced after each save. A drag that starts in the text
  // may end outside it, so remember where the mouse went down.
  const inText = (node) => {
    const root = $('doc-text');
    return !!root && root.contains(node);
  };
  let downInText = false;
  document.addEventListener('mousedown', (e) => {
    downInText = inText(e.target);
  });
  document.addEventListener('mouseup', (e) => {
    const clicked = inText(e.target);
    if (!clicked && !downInText) return;
    downInText = false;
    setTimeout(() => onSelect(clicked), 0); // let the selection settle after the click
  });
  document.addEventListener('keyup', (e) => {
    if (form.contains(e.target)) return;
    if (e.shiftKey && e.key.startsWith('Arrow')) onSelect(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !form.hidden) hideForm();
  });
}

// runLabel describes the claims over a highlighted run from their side panel items:
// "#3 supported · approved; #7 contradicted · pending". The page does not repeat this on every
// run: on a large document that alone would be megabytes.
function runLabel(span) {
  return span.dataset.claims.split(' ').map((id) => {
    const item = $(`claim-${id}`);
    if (!item) return `#${id}`;
    const status = item.querySelector('.badge.status');
    const review = item.querySelector('.badge.review');
    return [`#${id}`, status && status.textContent, review && review.textContent].filter(Boolean).join(' · ')
      .replace(/^(#\d+) · /, '$1 ');
  }).join('; ');
}

// initLabels fills a run's tooltip (CSS shows data-label) when the pointer or focus reaches it.
function initLabels() {
  const label = (e) => {
    const span = e.target.closest && e.target.closest('#doc-text [data-claims]');
    if (span) span.dataset.label = runLabel(span);
  };
  document.addEventListener('mouseover', label);
  document.addEventListener('focusin', label);
}

// initReviewKeys drives the review queue from the keyboard: j/k move, a approves, r opens the
// reject comment, ? shows the keys. Ctrl+Enter in a reject comment sends it. The forms work
// without it.
function initReviewKeys() {
  const queue = $('review-queue');
  if (!queue) return;
  const items = () => [...queue.querySelectorAll('.queue-item')];
  let index = -1;
  const move = (to) => {
    const all = items();
    if (all.length === 0) return null;
    index = Math.max(0, Math.min(all.length - 1, to));
    all.forEach((li, i) => li.classList.toggle('current', i === index));
    all[index].scrollIntoView({ block: 'nearest' });
    return all[index];
  };
  const current = () => items()[index] || move(0);
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && t.matches && t.matches('.reject-form textarea')) {
      e.preventDefault();
      t.form.requestSubmit();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t.closest && t.closest('input, textarea, select, [contenteditable]')) return;
    let handled = true;
    switch (e.key) {
      case 'j':
        move(index + 1);
        break;
      case 'k':
        move(index - 1);
        break;
      case 'a': {
        const form = current() && current().querySelector('.approve-form');
        if (form) form.requestSubmit();
        break;
      }
      case 'r': {
        const box = current() && current().querySelector('details.reject');
        if (box) {
          box.open = true;
          // Focus on key up: the r must not land in the box.
          const area = box.querySelector('textarea');
          document.addEventListener('keyup', () => area.focus(), { once: true });
        }
        break;
      }
      case '?': {
        const help = $('review-help');
        if (help) help.open = !help.open;
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });
  // A click in an item makes it the current one too.
  queue.addEventListener('click', (e) => {
    const li = e.target.closest('.queue-item');
    if (li) move(items().indexOf(li));
  });
}

initLabels();
initReviewKeys();
init();
