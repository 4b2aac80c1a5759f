// citecheck's script. It turns a selection in the document text, made with the mouse, by touch
// or with the keyboard cursor, into code point offsets snapped to whole words and markers, and
// saves it as a claim or as a claim's new span; it applies the small fragments that the server
// answers to a change in place (the blocks of text and the panel entry it touches), and keeps the
// side panel on the claims where the reader is. Everything else works with plain forms and links.
// Offsets, words, sentences and markers in the text are textpos.js's.

import {
  codePoints, codePointsBefore, docLength, keepSelection, nextSentence, nextWordEdge, pointOffset, rangeOf,
  runAt, selectionOffsets, sentenceAt, snapSpan, textSlice,
} from './textpos.js';

export { codePoints, codePointsBefore, keepSelection, pointOffset, selectionOffsets };

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
// The popup's span: {start, end, quote} (quote as the server sent it, null until then), with
// the selection as made (raw) and as snapped.
let current = null;
let respan = null; // {id, version, quote, start, end} of the claim whose span is being changed
let popupAsks = 0; // numbers the popups asked for, so one waiting for runs yields to a newer one

// marks shows the spans of the editor over the text with the CSS Custom Highlight API, which
// changes no DOM: the cursor's sentence and caret, the keyboard selection, the popup's span and
// the old span of a claim being changed. Without the API the popup still works.
function mark(name, span) {
  if (!window.CSS || !CSS.highlights) return;
  const root = $('doc-text');
  if (!span || !root || span.end < span.start) {
    CSS.highlights.delete(name);
    return;
  }
  CSS.highlights.set(name, new Highlight(rangeOf(root, span.start, span.end)));
}

function hideForm(toText = true) {
  popupAsks++; // a popup still waiting for runs stays shut
  const form = claimForm();
  if (!form || form.hidden) return;
  form.hidden = true;
  form.removeAttribute('aria-busy');
  form.reset();
  for (const sel of ['.no-citation', '.snap-note', '.dup-warning']) form.querySelector(sel).hidden = true;
  form.querySelector('.form-error').textContent = '';
  form.querySelector('.quote-preview').textContent = '';
  current = null;
  mark('cc-span', null);
  if (toText && $('doc-text')) $('doc-text').focus({ preventScroll: true });
}

function selectionInText() {
  const root = $('doc-text');
  const sel = window.getSelection();
  if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  if (!sel.getRangeAt(0).intersectsNode(root)) return null;
  return selectionOffsets(root, sel);
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

// onSelect opens the popup for the selection the mouse or a finger made in the text; a plain
// click in the text (clickedText) closes it and puts the keyboard cursor there.
function onSelect(clickedText) {
  const raw = selectionInText();
  if (!raw) {
    if (clickedText) {
      pending++;
      hideForm(false);
      const sel = window.getSelection();
      const root = $('doc-text');
      if (root && sel.rangeCount) {
        root.focus({ preventScroll: true });
        setCaret(pointOffset(root, sel.anchorNode, sel.anchorOffset));
      }
    }
    return;
  }
  if (current && !claimForm().hidden && current.raw.start === raw.start && current.raw.end === raw.end) return;
  openPopup(raw);
}

// openPopup opens the claim form beside a selection (code points), snapped to whole words and
// markers unless the reader keeps the exact selection, and moves the focus into it (after the
// key up when a key opened it).
function openPopup(raw, fromKey = false, hydrated = false) {
  const form = claimForm();
  const root = $('doc-text');
  if (!form || !root) return;
  // Snapping needs the markers of the blocks under the selection: a lazy one's runs first,
  // unless another selection comes meanwhile.
  const ask = ++popupAsks;
  const lazy = lazyBlocksOver(root, raw.start, raw.end);
  if (lazy.length && !hydrated) {
    hydrate(lazy).then((ok) => { if (ok && ask === popupAsks) openPopup(raw, fromKey, true); });
    return;
  }
  const snapped = snapSpan(root, raw);
  const moved = snapped.start !== raw.start || snapped.end !== raw.end;
  form.querySelector('.snap-note').hidden = !moved;
  form.querySelector('.keep-exact').checked = false;
  form.elements.refs.value = '';
  form.classList.toggle('respanning', !!respan);
  // Placing an orphan (?reanchor=ID): the selection is its new span; refs, status and note stay.
  form.classList.toggle('reanchoring', !!root.dataset.reanchor);
  form.querySelector('.old-quote').textContent = respan ? respan.quote : '';
  form.querySelector('.submit').textContent = respan ? 'Save span' : 'Save';
  current = { raw, snapped, start: snapped.start, end: snapped.end, quote: null, suggested: '' };
  form.hidden = false;
  showSpan(snapped);
  const first = respan || root.dataset.reanchor ? form.querySelector('.submit') : form.elements.refs;
  // From a key, focus on its key up: the key must not land in the popup.
  const focus = () => first.focus({ preventScroll: true });
  if (fromKey) document.addEventListener('keyup', focus, { once: true });
  else focus();
}

// showSpan puts span into the popup: offsets, the text as the page has it at once, then the
// server's word (the quote as stored, the refs of the markers in or after it, and the claims
// that have exactly this span already) when it comes, unless the reader has typed refs meanwhile.
async function showSpan(span) {
  const form = claimForm();
  const root = $('doc-text');
  const ticket = ++pending;
  Object.assign(current, { start: span.start, end: span.end, quote: null });
  form.elements.start.value = span.start;
  form.elements.end.value = span.end;
  form.querySelector('.quote-preview').textContent = textSlice(root, span.start, span.end);
  form.querySelector('.form-error').textContent = '';
  form.querySelector('.no-citation').hidden = true;
  form.querySelector('.dup-warning').hidden = true;
  form.setAttribute('aria-busy', 'true');
  mark('cc-span', span);
  const rect = () => rangeOf(root, span.start, span.end).getBoundingClientRect();
  placeForm(form, rect());

  const hint = await suggest(root.dataset.docId, span);
  if (ticket !== pending || !current) return;
  form.removeAttribute('aria-busy');
  if (typeof hint.quote === 'string') {
    current.quote = hint.quote;
    form.querySelector('.quote-preview').textContent = hint.quote;
  }
  const refs = form.elements.refs;
  if (Array.isArray(hint.refs) && (refs.value === '' || refs.value === current.suggested)) {
    refs.value = current.suggested = hint.refs.join(', ');
  }
  // No marker in or after the selection, nor in its sentence: say so, and offer the verdict.
  form.querySelector('.no-citation').hidden = !!respan ||
    !(Array.isArray(hint.refs) && hint.refs.length === 0 && hint.sentence_cited === false);
  showDuplicates((hint.same_span || []).filter((id) => !respan || id !== respan.id));
  placeForm(form, rect());
}

// showDuplicates warns that claims with exactly the popup's span exist; saving another one then
// needs a tick in the warning. The server allows duplicates: two checkers may read one sentence
// differently.
function showDuplicates(ids) {
  const box = claimForm().querySelector('.dup-warning');
  box.hidden = ids.length === 0;
  box.querySelector('.confirm-dup').checked = false;
  const list = box.querySelector('.dup-ids');
  list.replaceChildren();
  ids.forEach((id, i) => {
    const a = document.createElement('a');
    a.href = `#claim-${id}`;
    a.textContent = `#${id}`;
    if (i > 0) list.append(', ');
    list.append(a);
  });
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
  // The same block again stays as it is: a click under way in it is not lost (a live refresh of
  // the reader's own save brings the block the save's answer already showed).
  if (now.isEqualNode(next)) return;
  for (const a of [...now.attributes]) if (!next.hasAttribute(a.name)) now.removeAttribute(a.name);
  for (const a of next.attributes) now.setAttribute(a.name, a.value);
  now.replaceChildren(...next.childNodes);
}

// patchPanel brings a panel now shown (Sources, the document's state) up to the fresh one, next,
// in place: a part that comes again unchanged stays as it is, and so does one the reader is
// working in (a form open in it, or the focus in its fields), so a live refresh loses neither a
// click under way nor an entry being typed. The Sources panel's reference list in next holds
// only the entries a change touched (data-partial): each replaces its own, if it differs and the
// reader is not working in it. A complete list (after a change to the list itself) is patched
// entry by entry the same way: new entries come in, and those gone leave unless the reader is
// working in one.
function patchPanel(now, next) {
  const pool = [...now.children];
  const take = (old) => pool.splice(pool.indexOf(old), 1)[0];
  const want = [...next.children].map((el) => {
    const kind = (o) => o.tagName === el.tagName && o.className === el.className;
    if (el.matches('ol.references')) {
      const old = pool.find(kind);
      if (!old) return el;
      if (el.hasAttribute('data-partial')) {
        for (const li of [...el.children]) {
          const was = li.id && old.querySelector(`#${CSS.escape(li.id)}`);
          if (was && !was.isEqualNode(li) && !editing(was)) was.replaceWith(li);
        }
      } else {
        patchPanel(old, el);
      }
      return take(old);
    }
    const old = pool.find((o) => o.isEqualNode(el)) ||
      pool.find((o) => kind(o) && (!el.id || o.id === el.id) && editing(o));
    return old ? take(old) : el;
  });
  // What stays keeps its place (moving an element would take the focus out of it); one gone
  // from next stays too while the reader works in it.
  for (const old of pool) if (!editing(old)) old.remove();
  let at = now.firstElementChild;
  for (const el of want) {
    while (at && pool.includes(at)) at = at.nextElementSibling;
    if (el === at) at = at.nextElementSibling;
    else now.insertBefore(el, at);
  }
}

// editing tells whether the reader is working in el: a form opened (a details element open at or
// in el), or the focus in one of its fields.
function editing(el) {
  const f = document.activeElement;
  if (el.matches('details[open]') || el.querySelector('details[open]')) return true;
  return el.contains(f) && f.matches('input, textarea, select');
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
    } else if ((el.id === 'sources-panel' || el.id === 'assignment') && now) {
      patchPanel(now, el);
    } else if (el.matches('li.claim') && $('claims-ol')) {
      // In at its place in text order: a new claim, or one whose span moved.
      if (now && now.classList.contains('current')) el.classList.add('current');
      if (now && (staleCopy(el, now) || el.isEqualNode(now))) continue;
      if (now) now.remove();
      const list = $('claims-ol');
      const after = [...list.children].find((li) => claimOrder(li, el) > 0);
      list.insertBefore(el, after || null);
    } else if (now) {
      if (now.tagName === 'DETAILS') el.open = now.open;
      if (now.classList.contains('current')) el.classList.add('current');
      // The same element again stays as it is: a click under way on it is not lost.
      if (!staleCopy(el, now) && !el.isEqualNode(now)) now.replaceWith(el);
    } else if (el.id) {
      rest[el.id] = el;
    }
  }
  labels.clear();
  return rest;
}

// staleCopy tells whether next shows an older version of a claim than now does (their
// data-version): an answer fetched before a later change of the claim that arrives after it, as
// a live refresh sent off just before the reader's own undo can. It must not undo the page.
export function staleCopy(next, now) {
  const a = next.dataset.version;
  const b = now.dataset.version;
  return a !== undefined && b !== undefined && +a < +b;
}

// sendInPlace posts a page form with fetch, asking for the fragment named by kind instead of a
// redirect, and applies it. It answers {error} with a message, or {rest}: the parts of the
// answer that applyFragment found no place for.
export async function sendInPlace(form, kind, extra = {}) {
  const body = new URLSearchParams(new FormData(form));
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  return postInPlace(form.getAttribute('action'), body, kind);
}

// postInPlace is sendInPlace for the fields of body, to action.
async function postInPlace(action, body, kind) {
  const query = kind === 'document' ? panelQuery() : new URLSearchParams(location.search);
  let res;
  try {
    res = await fetch(`${action}?${query}`, {
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
  error.textContent = '';
  const confirm = form.querySelector('.confirm-dup');
  if (!form.querySelector('.dup-warning').hidden && !confirm.checked) {
    error.textContent = 'A claim with exactly this span exists already: tick “Save another claim over it” to save one more.';
    confirm.focus();
    return;
  }
  if (respan) {
    saveSpan(form, error);
    return;
  }
  const refs = parseRefs(form.elements.refs.value);
  if (refs === null) {
    error.textContent = 'Refs must be whole numbers, separated by commas or spaces.';
    return;
  }
  const { reanchor, version } = $('doc-text').dataset;
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
  closeAfterSave();
}

// saveSpan sends the popup's span as the new span of the claim being changed, through the claim
// page's form (the rule of citecheck.ApplyChange), and applies the answer in place.
async function saveSpan(form, error) {
  const { id, version } = respan;
  const body = new URLSearchParams({ csrf_token: form.elements.csrf_token.value, version, start: current.start, end: current.end });
  const { error: message } = await postInPlace(`/claims/${id}`, body, 'document');
  if (message) {
    error.textContent = message;
    return;
  }
  closeAfterSave();
  endRespan();
  say(`Claim #${id}: span changed. A reviewed claim goes back to the editors.`, false);
}

// closeAfterSave closes the popup after a save, with the keyboard cursor after the saved span.
function closeAfterSave() {
  const end = current.end;
  hideForm();
  window.getSelection().removeAllRanges();
  setCaret(end);
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

// The keyboard cursor in the text: a caret (focus) and the other end of a selection (anchor), in
// code points; without a selection they are equal. The text is one tab stop; arrow keys move the
// caret by word (left, right) and by sentence (up, down), Shift extends the selection, Enter or
// c claims the selection or else the sentence under the caret, n and p go to the next and the
// previous claim, s changes the span of the claim under the caret, Esc drops the selection.
let caret = null;
let keyboard = false; // the keyboard moved the cursor last, so its marks show
let caretClaim = null; // the claim that n or p went to

function setCaret(at, extend = false) {
  const root = $('doc-text');
  if (!root) return;
  at = Math.max(0, Math.min(docLength(root), at));
  caret = { anchor: extend && caret ? caret.anchor : at, focus: at };
  caretClaim = null;
  drawCaret();
}

function caretSelection() {
  if (!caret || caret.anchor === caret.focus) return null;
  return { start: Math.min(caret.anchor, caret.focus), end: Math.max(caret.anchor, caret.focus) };
}

// drawCaret shows the caret, its sentence and the selection while the text has the focus from
// the keyboard, and brings the caret into view.
function drawCaret(scroll = true) {
  const root = $('doc-text');
  if (!root || !caret || !keyboard || document.activeElement !== root) {
    for (const name of ['cc-caret', 'cc-sentence', 'cc-select']) mark(name, null);
    return;
  }
  const at = Math.min(caret.focus, docLength(root) - 1);
  mark('cc-sentence', sentenceAt(root, caret.focus));
  mark('cc-caret', { start: at, end: at + 1 });
  mark('cc-select', caretSelection());
  if (scroll) runAt(root, at).scrollIntoView({ block: 'nearest' });
}

// moveSentence moves the caret to the start of the next or previous sentence, or with extend
// moves the selection's end to the end (start) of this or the next (previous) sentence.
function moveSentence(root, forward, extend) {
  const at = caret.focus;
  const here = sentenceAt(root, at);
  if (extend) {
    const edge = forward ? here.end : here.start;
    const further = (nextSentence(root, at, forward) || here)[forward ? 'end' : 'start'];
    setCaret((forward ? at < edge : at > edge) ? edge : further, true);
    return;
  }
  if (!forward && at > here.start) {
    setCaret(here.start);
    return;
  }
  const next = nextSentence(root, at, forward);
  if (next) setCaret(next.start);
}

// claimStarts lists where each claim starts in the text, in text order: the runs and empty
// anchors with the id c-N.
function claimStarts(root) {
  return [...root.querySelectorAll('[id^="c-"]')].map((el) => {
    let run = el;
    while (run && run.dataset.o === undefined) run = run.nextElementSibling;
    return { id: el.id.slice(2), at: run ? +run.dataset.o : docLength(root), run };
  });
}

// moveToClaim puts the caret on the start of the next (previous) claim and says which it is. A
// lazy block on the way that has claims starting in it (data-n) gets its runs first.
async function moveToClaim(root, forward) {
  const at = caret.focus;
  for (;;) {
    const all = claimStarts(root);
    const to = forward ? all.find((c) => c.at > at) : all.reverse().find((c) => c.at < at);
    const upto = to ? to.at : forward ? docLength(root) : 0;
    const lazy = lazyBlocksOver(root, Math.min(at, upto), Math.max(at, upto) + 1)
      .filter((i) => $(`b-${i}`).dataset.n);
    if (lazy.length) {
      if (!(await hydrate([forward ? lazy[0] : lazy[lazy.length - 1]])) || caret.focus !== at) return;
      continue;
    }
    if (!to) return;
    setCaret(to.at);
    caretClaim = to.id;
    // After the scroll that brings it into view, which hides the label.
    if (to.run) requestAnimationFrame(() => requestAnimationFrame(() => showLabel(to.run)));
    return;
  }
}

// Lazy blocks. A big document's page sends the blocks away from its head as their text alone
// (data-lazy, data-n: how many claims start there; handlers/lazyblocks.go). Each one's runs
// (highlights, markers, anchors) are fetched as it nears the screen, or when the popup, the
// keyboard or a link needs them, and swapped in with the selection and the marks kept.
const hydrating = new Map(); // block index -> the request bringing its runs

// lazyBlocksOver answers the indexes of the lazy blocks that hold any of start..end.
function lazyBlocksOver(root, start, end) {
  const out = [];
  for (const b of root.querySelectorAll('.blk[data-lazy]')) {
    const from = +b.dataset.b;
    if (from >= Math.max(end, start + 1)) break;
    const next = b.nextElementSibling;
    if (!next || +next.dataset.b > start) out.push(+b.id.slice(2));
  }
  return out;
}

// hydrate brings the runs of the blocks with these indexes that are still lazy, and answers
// whether they all came.
function hydrate(indexes) {
  const root = $('doc-text');
  const waits = [];
  const need = [];
  for (const i of indexes) {
    const el = $(`b-${i}`);
    if (hydrating.has(i)) waits.push(hydrating.get(i));
    else if (el && el.hasAttribute('data-lazy')) need.push(i);
  }
  // The server answers at most 64 blocks a request.
  for (let k = 0; k < need.length; k += 64) {
    const part = need.slice(k, k + 64);
    const p = fetchBlocks(root, `b=${part.join(',')}`);
    for (const i of part) hydrating.set(i, p);
    p.finally(() => { for (const i of part) hydrating.delete(i); });
    waits.push(p);
  }
  return Promise.all(waits).then((all) => all.every(Boolean));
}

// fetchBlocks asks for blocks with their runs (query: b=4,5 or claim=ID) and swaps them in for
// those still lazy; a block that a claim's change sent meanwhile is newer, and stays.
async function fetchBlocks(root, query) {
  let html;
  try {
    const res = await fetch(`/documents/${root.dataset.docId}/blocks?${query}&rev=${root.dataset.rev}`, {
      credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    });
    if (!res.ok) return false;
    html = await res.text();
  } catch {
    return false;
  }
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  keepSelection(() => {
    for (const el of [...tpl.content.children]) {
      const now = el.id && $(el.id);
      if (now && now.hasAttribute('data-lazy')) replaceBlock(now, el);
    }
  });
  if (keyboard) drawCaret(false);
  return true;
}

// initLazyBlocks brings the runs of lazy blocks as they come within a screen of the window, and
// of the target of a link to a claim (#c-ID) or a marker (#m-N) in one, then goes to it.
function initLazyBlocks() {
  const root = $('doc-text');
  if (!root || !root.querySelector('.blk[data-lazy]') || !window.IntersectionObserver) return;
  const seen = new IntersectionObserver((entries) => {
    const near = entries.filter((e) => e.isIntersecting && e.target.hasAttribute('data-lazy'));
    for (const e of near) seen.unobserve(e.target);
    if (near.length) hydrate(near.map((e) => +e.target.id.slice(2)));
  }, { rootMargin: '100% 0px' });
  for (const b of root.querySelectorAll('.blk[data-lazy]')) seen.observe(b);
  const reveal = async () => {
    const m = /^#(c|m)-(\d+)$/.exec(location.hash);
    if (!m || $(location.hash.slice(1))) return;
    const ok = m[1] === 'c' ? await fetchBlocks(root, `claim=${m[2]}`) : await hydrate(lazyBlocksOver(root, +m[2], +m[2] + 1));
    // Going to the same URL again scrolls to the target and makes it :target.
    if (ok && $(location.hash.slice(1))) location.replace(location.href);
  };
  window.addEventListener('hashchange', reveal);
  reveal();
}

function onTextKey(e) {
  const root = $('doc-text');
  if (!root || e.target !== root || e.ctrlKey || e.metaKey || e.altKey) return;
  keyboard = true;
  if (!caret) setCaret(0);
  let handled = true;
  switch (e.key) {
    case 'ArrowRight':
    case 'ArrowLeft':
      setCaret(nextWordEdge(root, caret.focus, e.key === 'ArrowRight'), e.shiftKey);
      break;
    case 'ArrowDown':
    case 'ArrowUp':
      moveSentence(root, e.key === 'ArrowDown', e.shiftKey);
      break;
    case 'Enter':
    case 'c': {
      const span = caretSelection() || sentenceAt(root, caret.focus);
      if (span.end > span.start) openPopup(span, true);
      break;
    }
    case 'n':
    case 'p':
      moveToClaim(root, e.key === 'n');
      break;
    case 's': {
      const run = runAt(root, Math.min(caret.focus, docLength(root) - 1));
      const ids = run && run.dataset.claims ? run.dataset.claims.split(' ') : [];
      const id = ids.includes(caretClaim) ? caretClaim : ids[ids.length - 1];
      if (id) startRespan(id);
      break;
    }
    case 'Escape':
      if (respan) endRespan();
      else setCaret(caret.focus);
      break;
    default:
      handled = false;
  }
  if (handled) e.preventDefault();
}

// startRespan begins changing claim id's span: the bar says so, the old span is marked, and the
// next selection (mouse, touch or keyboard, which starts on the old span) opens the popup for
// the new span.
async function startRespan(id) {
  const root = $('doc-text');
  const bar = $('respan-bar');
  if (!root || !bar) return;
  let c = null;
  try {
    const res = await fetch(`/api/v1/claims/${id}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    c = res.ok ? await res.json() : null;
  } catch {
    c = null;
  }
  if (!c || c.anchor === 'orphaned' || typeof c.start !== 'number' || c.end > docLength(root)) {
    say(`Claim #${id} cannot be moved here: it has no place in this text.`, true);
    return;
  }
  hideForm(false);
  respan = { id: c.id, version: c.version, quote: c.quote, start: c.start, end: c.end };
  bar.querySelector('.respan-text').textContent =
    `Changing the span of claim #${c.id}: select the new text (mouse, touch, or Shift+arrows), then save. Esc cancels.`;
  bar.hidden = false;
  mark('cc-old', c);
  runAt(root, c.start).scrollIntoView({ block: 'center' });
  root.focus({ preventScroll: true });
  setCaret(c.start);
  setCaret(c.end, true);
}

function endRespan() {
  if (!respan) return;
  respan = null;
  const bar = $('respan-bar');
  if (bar) bar.hidden = true;
  mark('cc-old', null);
  const form = claimForm();
  if (form && form.classList.contains('respanning')) hideForm();
}

function init() {
  const form = claimForm();
  if (!form) return;
  // The form is positioned against the page, so it lives directly in body.
  document.body.appendChild(form);
  form.addEventListener('submit', onSave);
  form.querySelector('.cancel').addEventListener('click', () => hideForm());
  form.querySelector('.mark-cn').addEventListener('click', () => {
    form.elements.status.value = 'citation-needed';
    form.requestSubmit();
  });
  form.querySelector('.keep-exact').addEventListener('change', (e) => {
    if (current) showSpan(e.target.checked ? current.raw : current.snapped);
  });

  // Listen on document: the blocks of #doc-text are replaced after each save. A drag that starts
  // in the text may end outside it, so remember where the mouse went down.
  const inText = (node) => {
    const root = $('doc-text');
    return !!root && root.contains(node);
  };
  let downInText = false;
  let pointer = 'mouse';
  document.addEventListener('pointerdown', (e) => {
    pointer = e.pointerType;
    const root = $('doc-text');
    if (!inText(e.target)) return;
    keyboard = false;
    // Chromium may lose the start of a drag whose press focuses a focusable element (a forward
    // drag from a highlight that was a tab stop selected nothing, issue 13): the press does not
    // focus the text, a plain click does afterwards (onSelect).
    if (document.activeElement !== root) {
      root.removeAttribute('tabindex');
      const back = () => root.setAttribute('tabindex', '0');
      document.addEventListener('pointerup', back, { once: true });
      document.addEventListener('pointercancel', back, { once: true });
    }
  });
  document.addEventListener('mousedown', (e) => {
    downInText = inText(e.target);
  });
  document.addEventListener('mouseup', (e) => {
    const clicked = inText(e.target);
    if (!clicked && !downInText) return;
    downInText = false;
    setTimeout(() => onSelect(clicked), 0); // let the selection settle after the click
  });
  // A selection made by touch (a long press, then the handles) ends with no mouse event: open
  // the popup once the selection has rested a moment.
  let touchTimer = 0;
  document.addEventListener('selectionchange', () => {
    if (pointer !== 'touch') return;
    clearTimeout(touchTimer);
    touchTimer = setTimeout(() => onSelect(false), 300);
  });
  document.addEventListener('keyup', (e) => {
    if (form.contains(e.target) || e.target === $('doc-text')) return;
    if (e.shiftKey && e.key.startsWith('Arrow')) onSelect(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !form.hidden) {
      hideForm();
      e.preventDefault();
      return;
    }
    onTextKey(e);
  });
  document.addEventListener('focusin', (e) => {
    const root = $('doc-text');
    if (e.target !== root) return;
    if (root.matches(':focus-visible')) keyboard = true;
    if (!caret) setCaret(sentenceAt(root, Math.max(0, readingOffset())).start);
    drawCaret(false);
  });
  document.addEventListener('focusout', (e) => {
    if (e.target === $('doc-text')) setTimeout(() => drawCaret(false), 0);
  });
  $('respan-bar').querySelector('.respan-cancel').addEventListener('click', endRespan);
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('#claims-panel a.change-span');
    if (!a) return;
    e.preventDefault();
    startRespan(a.dataset.claim);
  });
  const m = /^#respan-(\d+)$/.exec(location.hash);
  if (m) startRespan(m[1]);
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

// scrollRest is how long the page must not scroll before the work that follows the scroll (the
// side panel, a hover label) runs: it waits for the reader to stop, so no frame of the scroll
// pays for it.
const scrollRest = 150;
let lastScroll = -Infinity;
window.addEventListener('scroll', () => { lastScroll = performance.now(); }, { passive: true });

// scrollSettled resolves once the page has not scrolled for scrollRest ms and the browser is
// idle (layout clean, no frame due), however often the reader scrolls on meanwhile.
async function scrollSettled() {
  for (;;) {
    const wait = lastScroll + scrollRest - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await new Promise((r) => (window.requestIdleCallback ? requestIdleCallback(r, { timeout: 500 }) : setTimeout(r, 0)));
    if (performance.now() - lastScroll >= scrollRest) return;
  }
}

// initLabels shows, while the pointer or focus is on a highlighted run, one floating label with
// the claims over it: "#3 supported · approved; #7 contradicted · pending". One element outside
// the text, so showing it costs the text no style or layout work. While the text scrolls under
// the pointer no label shows; once the scroll stops, the run under the pointer gets it.
let showLabel = () => {};

function initLabels() {
  let tip = null;
  let showing = null;
  let pointer = null; // where the pointer last was in the window, null once it left
  let queued = false;
  const hide = () => {
    showing = null;
    if (tip) tip.hidden = true;
  };
  const runAtPointer = () => {
    const el = pointer && document.elementFromPoint(pointer.x, pointer.y);
    return el && el.closest('#doc-text [data-claims]');
  };
  const show = (e) => {
    pointer = { x: e.clientX, y: e.clientY };
    if (performance.now() - lastScroll < scrollRest) return; // the scroll's stop labels it
    const span = e.target.closest && e.target.closest('#doc-text [data-claims]');
    if (span) label(span);
    else if (showing) hide();
  };
  // label shows the claims over span; the keyboard cursor (n, p) shows them too.
  const label = async (span) => {
    if (span === showing || !span.dataset.claims) return;
    showing = span;
    const text = (await Promise.all(span.dataset.claims.split(' ').map(claimLabel))).join('; ');
    if (showing !== span) return;
    if (!tip) {
      tip = document.createElement('div');
      tip.id = 'hl-label';
      tip.setAttribute('role', 'tooltip');
      document.body.appendChild(tip);
    }
    const rect = span.getClientRects()[0] || span.getBoundingClientRect();
    tip.textContent = text;
    tip.hidden = false;
    // The stylesheet lifts the label above this point by its own height.
    tip.style.left = `${rect.left + window.scrollX}px`;
    tip.style.top = `${rect.top + window.scrollY}px`;
  };
  showLabel = label;
  document.addEventListener('mouseover', show);
  document.addEventListener('mouseout', (e) => { if (!e.relatedTarget) pointer = null; });
  document.addEventListener('focusout', hide);
  document.addEventListener('scroll', () => {
    hide();
    if (queued || !pointer) return;
    queued = true;
    scrollSettled().then(() => {
      queued = false;
      // A label shown since (the keyboard cursor's) stays.
      const span = showing ? null : runAtPointer();
      if (span) label(span);
    });
  }, { passive: true });
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
// the filter), and answers whether it did. ready, if given, is awaited before the swap and may
// call it off by answering false. The panel is aria-busy while any page is on its way.
let panelLoads = 0;

async function loadPanel(query, ready) {
  const list = $('claims-list');
  const panel = $('claims-panel');
  if (!list || !panel) return false;
  const q = new URLSearchParams(query);
  if (list.dataset.status && !q.has('status')) q.set('status', list.dataset.status);
  panelLoads++;
  panel.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`/documents/${list.dataset.docId}/panel?${q}`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (!res.ok) return false;
    const html = await res.text();
    if (ready && !(await ready())) return false;
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    const next = tpl.content.getElementById('claims-list');
    if (!next || !$('claims-list')) return false;
    $('claims-list').replaceWith(next);
    return true;
  } catch {
    return false;
  } finally {
    if (--panelLoads === 0) panel.removeAttribute('aria-busy');
  }
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
// while the pointer or the focus is in it. It runs once the scroll has stopped, and a page that
// arrives while the reader scrolls on waits for the next stop: the swap, the one costly step,
// never lands in the middle of a scroll, and a newer follow supersedes it.
let follows = 0;

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
  const follow = ++follows;
  const current = async () => {
    await scrollSettled();
    return follow === follows;
  };
  if ((before || after) && !(await loadPanel({ at: offset }, current))) return;
  scrollPanelTo(offset);
}

// initPanel wires the side panel: it follows the scroll, turns pages and applies the filter
// without reloading the page, and opens the page holding a claim that a link names.
function initPanel() {
  if (!$('claims-list')) return;
  let queued = false;
  window.addEventListener('scroll', () => {
    if (queued) return;
    queued = true;
    scrollSettled().then(() => {
      queued = false;
      return followReading();
    });
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
initLazyBlocks();
init();
// Everything above listens now: a drag or a key from here on is the app's to handle (the
// browser tests wait for this before they act on a page).
document.documentElement.dataset.app = 'ready';
