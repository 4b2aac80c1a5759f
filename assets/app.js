// citecheck's one script. It turns a selection in the document text into code point offsets and
// saves it as a claim; it applies the small fragments that the server answers to a change in
// place (the blocks of text and the panel entry it touches), and keeps the side panel on the
// claims where the reader is. Everything else works with plain forms and links.
//
// #doc-text holds blocks (<div class="blk" data-b="N">) of runs. Every text node in it is the
// only child of a <span data-o="N">, where N is the code point offset of its first character,
// so each end of a selection resolves on its own.

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
  form.removeAttribute('aria-busy');
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

// onSelect opens the claim form beside a new selection at once, with its offsets and the text
// as selected, marked aria-busy; the server's suggestion (the quote as stored, the refs of the
// markers in or after it) fills in when it comes, unless the reader has typed refs meanwhile.
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
  current = { ...offsets, quote: null };
  form.elements.start.value = offsets.start;
  form.elements.end.value = offsets.end;
  form.elements.refs.value = '';
  form.querySelector('.quote-preview').textContent = range.toString();
  form.querySelector('.form-error').textContent = '';
  form.querySelector('.no-citation').hidden = true;
  // Placing an orphan (?reanchor=ID): the selection is its new span; refs, status and note stay.
  form.classList.toggle('reanchoring', !!root.dataset.reanchor);
  form.setAttribute('aria-busy', 'true');
  form.hidden = false;
  placeForm(form, rect);

  const hint = await suggest(root.dataset.docId, offsets);
  if (ticket !== pending) return;
  form.removeAttribute('aria-busy');
  if (typeof hint.quote === 'string') {
    current.quote = hint.quote;
    form.querySelector('.quote-preview').textContent = hint.quote;
  }
  if (Array.isArray(hint.refs) && form.elements.refs.value === '') form.elements.refs.value = hint.refs.join(', ');
  // No marker in or after the selection, nor in its sentence: say so, and offer the verdict.
  form.querySelector('.no-citation').hidden = !(Array.isArray(hint.refs) && hint.refs.length === 0 && hint.sentence_cited === false);
  placeForm(form, rect);
}

// placeForm puts the claim form beside the selection's rectangle: below it when the form fits
// in the window there, else above it when it fits there. A form hanging below the window makes
// the page longer, and the page jumps back when it closes.
function placeForm(form, rect) {
  const width = form.offsetWidth;
  const height = form.offsetHeight;
  const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
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

// panelQuery is the page and filter of the side panel as the server should answer for them.
export function panelQuery() {
  const list = $('claims-list');
  const q = new URLSearchParams();
  if (list) {
    if (list.dataset.status) q.set('status', list.dataset.status);
    q.set('panel', list.dataset.page || '1');
  }
  return q;
}

// claimOrder compares two panel entries as the server orders claims: start, end, id.
function claimOrder(a, b) {
  const key = (li) => [+li.dataset.start, +li.dataset.end, +li.id.replace('claim-', '')];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

// replaceBlock swaps a block's runs for fresh ones, keeping the element: the browser keeps the
// size it measured, so a block above the window changes nothing in the scroll position.
function replaceBlock(now, next) {
  for (const a of next.attributes) now.setAttribute(a.name, a.value);
  now.replaceChildren(...next.childNodes);
}

// mergeReferences keeps the reference list of the Sources panel now shown, with the entries
// that the fresh panel next carries (a fragment sends only those a change touched) swapped in,
// and puts it into next.
function mergeReferences(now, next) {
  const keep = now.querySelector('ol.references');
  const sent = next.querySelector('ol.references');
  if (!keep || !sent) return;
  for (const li of [...sent.children]) {
    const old = li.id && keep.querySelector(`#${CSS.escape(li.id)}`);
    if (old) old.replaceWith(li);
  }
  sent.replaceWith(keep);
}

// applyFragment swaps the parts of an answer into the page by id. A <template data-remove>
// removes the element it names; a panel entry the page lacks goes in at its place in text order.
// It answers the parts that have no place in the page, by id.
export function applyFragment(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const rest = {};
  for (const el of [...tpl.content.children]) {
    if (el.tagName === 'TEMPLATE') {
      const gone = el.dataset.remove && $(el.dataset.remove);
      if (gone) gone.remove();
      continue;
    }
    const now = el.id && $(el.id);
    if (el.classList.contains('blk') && now) {
      replaceBlock(now, el);
    } else if (el.id === 'sources-panel' && now) {
      mergeReferences(now, el);
      el.open = now.open;
      now.replaceWith(el);
    } else if (now) {
      if (now.tagName === 'DETAILS') el.open = now.open;
      if (now.classList.contains('current')) el.classList.add('current');
      now.replaceWith(el);
    } else if (el.matches('li.claim') && $('claims-ol')) {
      const list = $('claims-ol');
      const after = [...list.children].find((li) => claimOrder(li, el) > 0);
      list.insertBefore(el, after || null);
    } else if (el.id) {
      rest[el.id] = el;
    }
  }
  labels.clear();
  return rest;
}

// sendInPlace posts a page form with fetch, asking for the fragment named by kind instead of a
// redirect, and applies it. It answers {error} with a message, or {rest}: the parts of the
// answer that applyFragment found no place for.
export async function sendInPlace(form, kind, extra = {}) {
  const body = new URLSearchParams(new FormData(form));
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  const query = kind === 'document' ? panelQuery() : new URLSearchParams(location.search);
  let res;
  try {
    res = await fetch(`${form.getAttribute('action')}?${query}`, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { 'X-Citecheck-Fragment': kind, 'X-CSRF-Token': csrfToken(), Accept: 'text/html' },
    });
  } catch (e) {
    return { error: `Could not save: ${e.message}` };
  }
  if (res.ok) return { rest: applyFragment(await res.text()) };
  return { error: await errorMessage(res) };
}

// errorMessage reads the message of a refused request: the API's JSON error, or its status.
async function errorMessage(res) {
  try {
    const data = await res.json();
    if (data && data.error && data.error.message) return data.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return `${res.status} ${res.statusText}`;
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
  const { reanchor, version } = $('doc-text').dataset;
  error.textContent = '';
  if (reanchor) {
    // Placing an orphan changes its revision and the orphan tray: the page again, out of it.
    let res;
    try {
      res = await fetch(`/api/v1/claims/${reanchor}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
        body: JSON.stringify({ version: parseInt(version, 10), start: current.start, end: current.end }),
        credentials: 'same-origin',
      });
    } catch (e) {
      error.textContent = `Could not save: ${e.message}`;
      return;
    }
    if (res.ok) location.assign(`${location.pathname}#c-${reanchor}`);
    else error.textContent = await errorMessage(res);
    return;
  }
  const extra = { refs: refs.join(' ') };
  if (current.quote !== null) extra.quote = current.quote;
  const { error: message } = await sendInPlace(form, 'document', extra);
  if (message) {
    error.textContent = message;
    return;
  }
  hideForm();
  window.getSelection().removeAllRanges();
}

// initInPlaceForms sends the review forms of the side panel and of the review queue with fetch
// and applies the answer where the form was, so the page, its scroll and the keyboard cursor
// stay. Without the script they post and redirect as before.
function initInPlaceForms() {
  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (!form.matches('.approve-form, .reject-form, .undo-form')) return;
    const inQueue = !!form.closest('#review-queue');
    if (!inQueue && !form.closest('#claims-panel')) return;
    e.preventDefault();
    const item = form.closest('li');
    const { error, rest = {} } = await sendInPlace(form, inQueue ? 'queue' : 'document');
    if (inQueue) {
      const nav = document.querySelector('.nav-review .count');
      if (rest['nav-pending'] && nav) nav.textContent = rest['nav-pending'].textContent;
      showQueueStatus(error ? `Claim #${item.id.replace('q-', '')}: ${error}` : '', rest['queue-status']);
      return;
    }
    const done = form.matches('.undo-form') ? 'is pending again' : form.elements.decision.value;
    say(error || `Claim #${item.id.replace('claim-', '')} ${done}.`, !!error);
  });
}

// say shows a message in the side panel's live region.
function say(message, isError) {
  const live = $('live-status');
  if (!live) return;
  live.textContent = message;
  live.classList.toggle('error', isError);
  live.hidden = !message;
}

// showQueueStatus puts the message of a decision (#queue-status, sent with the answer) above
// the queue in place of the last one, or the error of a refused decision.
function showQueueStatus(error, sent) {
  const queue = $('review-queue');
  let status = sent;
  if (error) {
    status = document.createElement('p');
    status.id = 'queue-status';
    status.className = 'banner error';
    status.setAttribute('role', 'alert');
    status.textContent = error;
  }
  if (!status || !queue) return;
  const old = $('queue-status');
  if (old) old.remove();
  for (const banner of document.querySelectorAll('main > .banner')) banner.remove();
  queue.before(status);
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

// labels caches what the tooltip says about each claim, by id, until the page changes.
const labels = new Map();

// claimLabel says "#3 supported · approved" for a claim: from its panel entry when the panel
// shows it, else from the API (a page of the panel holds a hundred claims of thousands).
async function claimLabel(id) {
  const item = $(`claim-${id}`);
  if (item) {
    const status = item.querySelector('.badge.status');
    const review = item.querySelector('.badge.review');
    return [`#${id} ${status ? status.textContent : ''}`.trim(), review && review.textContent].filter(Boolean).join(' · ');
  }
  if (!labels.has(id)) {
    labels.set(id, fetch(`/api/v1/claims/${id}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? res.json() : null))
      .then((c) => (c ? `#${id} ${c.status} · ${c.review}` : `#${id}`))
      .catch(() => `#${id}`));
  }
  return labels.get(id);
}

// initLabels shows, while the pointer or focus is on a highlighted run, one floating label with
// the claims over it: "#3 supported · approved; #7 contradicted · pending". One element outside
// the text, so showing it costs the text no style or layout work.
function initLabels() {
  let tip = null;
  let showing = null;
  const hide = () => {
    showing = null;
    if (tip) tip.hidden = true;
  };
  const show = async (e) => {
    const span = e.target.closest && e.target.closest('#doc-text [data-claims]');
    if (!span) {
      if (showing && e.type === 'mouseover') hide();
      return;
    }
    if (span === showing) return;
    showing = span;
    const text = (await Promise.all(span.dataset.claims.split(' ').map(claimLabel))).join('; ');
    if (showing !== span) return;
    if (!tip) {
      tip = document.createElement('div');
      tip.id = 'hl-label';
      tip.setAttribute('role', 'tooltip');
      document.body.appendChild(tip);
    }
    tip.textContent = text;
    tip.hidden = false;
    const rect = span.getClientRects()[0] || span.getBoundingClientRect();
    tip.style.left = `${rect.left + window.scrollX}px`;
    tip.style.top = `${rect.top + window.scrollY - tip.offsetHeight - 4}px`;
  };
  document.addEventListener('mouseover', show);
  document.addEventListener('focusin', show);
  document.addEventListener('focusout', hide);
  document.addEventListener('scroll', hide, { passive: true });
}

// readingOffset is the code point offset of the text at the top left of the window, or -1
// when the text is not on screen.
function readingOffset() {
  const root = $('doc-text');
  if (!root) return -1;
  const box = root.getBoundingClientRect();
  if (box.bottom < 0 || box.top > window.innerHeight) return -1;
  const x = box.left + 24;
  const y = Math.max(box.top + 8, 8);
  const pos = document.caretPositionFromPoint ? document.caretPositionFromPoint(x, y) : null;
  if (pos && root.contains(pos.offsetNode)) return pointOffset(root, pos.offsetNode, pos.offset);
  const block = [...root.children].find((b) => b.getBoundingClientRect().bottom > y);
  return block ? +block.dataset.b : -1;
}

// loadPanel swaps in the page of the side panel that the query names (panel, at or claim, and
// the filter), and answers whether it did.
async function loadPanel(query) {
  const list = $('claims-list');
  if (!list) return false;
  const q = new URLSearchParams(query);
  if (list.dataset.status && !q.has('status')) q.set('status', list.dataset.status);
  const res = await fetch(`/documents/${list.dataset.docId}/panel?${q}`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) return false;
  const tpl = document.createElement('template');
  tpl.innerHTML = await res.text();
  const next = tpl.content.getElementById('claims-list');
  if (!next || !$('claims-list')) return false;
  $('claims-list').replaceWith(next);
  return true;
}

// scrollPanelTo scrolls the side panel (when it scrolls on its own) to the first claim that
// ends after offset.
function scrollPanelTo(offset) {
  const panel = $('claims-panel');
  const items = [...document.querySelectorAll('#claims-ol > li')];
  if (!panel || items.length === 0 || getComputedStyle(panel).overflowY !== 'auto') return;
  const item = items.find((li) => +li.dataset.end > offset) || items[items.length - 1];
  const list = $('claims-list');
  panel.scrollTop += item.getBoundingClientRect().top - panel.getBoundingClientRect().top -
    (list.getBoundingClientRect().top - panel.getBoundingClientRect().top > 0 ? 0 : 8);
}

// followReading keeps the side panel on the claims where the reader is: it turns to the page
// that holds them when the one shown does not, and scrolls to them. It leaves the panel alone
// while the pointer or the focus is in it.
async function followReading() {
  const panel = $('claims-panel');
  if (!panel || panel.matches(':hover') || panel.contains(document.activeElement)) return;
  const offset = readingOffset();
  if (offset < 0) return;
  const list = $('claims-list');
  const items = document.querySelectorAll('#claims-ol > li');
  const page = +list.dataset.page;
  const pages = +list.dataset.pages;
  const first = items.length ? +items[0].dataset.start : 0;
  const last = items.length ? +items[items.length - 1].dataset.start : 0;
  const before = page > 1 && offset < first;
  const after = page < pages && offset > last;
  if ((before || after) && !(await loadPanel({ at: offset }))) return;
  scrollPanelTo(offset);
}

// initPanel wires the side panel: it follows the scroll, turns pages and applies the filter
// without reloading the page, and opens the page holding a claim that a link names.
function initPanel() {
  if (!$('claims-list')) return;
  let timer = 0;
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(followReading, 150);
  }, { passive: true });
  document.addEventListener('click', async (e) => {
    const a = e.target.closest && e.target.closest('#panel-pager a[data-page]');
    if (!a) return;
    e.preventDefault();
    if (await loadPanel({ panel: a.dataset.page })) $('claims-panel').scrollTop = $('claims-list').offsetTop;
  });
  const filter = $('panel-filter');
  if (filter) {
    filter.addEventListener('submit', async (e) => {
      e.preventDefault();
      const status = filter.elements.status.value;
      const offset = readingOffset();
      const q = { status };
      if (offset >= 0) q.at = offset;
      if (await loadPanel(q)) {
        $('claims-list').dataset.status = status;
        const url = new URL(location.href);
        if (status) url.searchParams.set('status', status);
        else url.searchParams.delete('status');
        url.searchParams.delete('panel');
        history.replaceState(null, '', url);
        if (offset >= 0) scrollPanelTo(offset);
      }
    });
  }
  const openClaim = async () => {
    const m = /^#claim-(\d+)$/.exec(location.hash);
    if (!m || $(`claim-${m[1]}`)) return;
    if (await loadPanel({ claim: m[1] })) {
      const item = $(`claim-${m[1]}`);
      if (item) item.scrollIntoView({ block: 'nearest' });
    }
  };
  window.addEventListener('hashchange', openClaim);
  openClaim();
}

// initReviewKeys drives the review queue from the keyboard: j/k move, a approves, r opens the
// reject comment, u undoes the decision just made, ? shows the keys. Ctrl+Enter in a reject comment sends it. The forms work
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
        // Over open citation problems a key only gets to "Approve anyway": Enter confirms.
        if (form && form.classList.contains('override')) form.querySelector('button').focus();
        else if (form) form.requestSubmit();
        break;
      }
      case 'u': {
        const form = current() && current().querySelector('.undo-form');
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

// initPrintReport makes the report's button print the page (the print stylesheet shapes it).
function initPrintReport() {
  const button = document.querySelector('.print-report');
  if (button) button.addEventListener('click', () => window.print());
}

initLabels();
initPrintReport();
initReviewKeys();
initInPlaceForms();
initPanel();
init();
