// live.js keeps a page in step with the desk: it follows the live event stream that the page
// names (<meta name="citecheck-live">, with the id of the newest event when the page was
// rendered), and applies each change in place. The document page fetches the fragment of the
// claim that changed, keeping the reader's selection, open forms and scroll; the review queue
// and the documents list fetch themselves again and swap in what differs. EventSource
// reconnects by itself and sends Last-Event-ID, so a dropped stream misses nothing.
import { applyFragment, keepSelection, panelQuery, staleCopy } from './app.js';

const $ = (id) => document.getElementById(id);
const meta = document.querySelector('meta[name="citecheck-live"]');
const me = (document.querySelector('.topbar .user-name') || {}).textContent || '';

// notice shows a message at the top of the page, once per key.
function notice(key, text, withReload) {
  let p = document.querySelector(`.live-notice[data-key="${key}"]`);
  if (!p) {
    p = document.createElement('p');
    p.className = 'banner live-notice';
    p.dataset.key = key;
    p.setAttribute('role', 'status');
    document.querySelector('main').prepend(p);
  }
  p.textContent = text + ' ';
  if (withReload) {
    const a = document.createElement('a');
    a.href = location.href;
    a.textContent = 'Reload';
    p.append(a);
  }
}

// busy tells whether the reader is working in el: a form open in it, or the focus in it.
function busy(el) {
  return !!el && (!!el.querySelector('details[open]') || el.contains(document.activeElement));
}

// warnConflicts puts "Changed by X just now" on every form still holding an older version of
// the claim than the event's: the reader is told before they save (the server's 409 stays the
// guard).
function warnConflicts(ev) {
  if (!ev.claim_id || !ev.version) return;
  const forms = [...document.querySelectorAll('form')].filter((f) => {
    const action = f.getAttribute('action') || '';
    const v = f.elements.version;
    return v && new RegExp(`^/claims/${ev.claim_id}(/|$)`).test(action) && +v.value < ev.version;
  });
  const text = $('doc-text');
  if (text && text.dataset.reanchor === String(ev.claim_id) && +text.dataset.version < ev.version) {
    forms.push($('claim-form'));
  }
  // One notice per panel or queue entry (its approve and reject forms alike), else per form.
  const places = new Set(forms.filter(Boolean).map((f) => f.closest('li') || f));
  for (const place of places) {
    let p = place.querySelector('.live-conflict');
    if (!p) {
      p = document.createElement('p');
      p.className = 'live-conflict';
      p.setAttribute('role', 'alert');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link-button';
      button.textContent = 'Reload it';
      button.addEventListener('click', () => reloadClaim(ev.claim_id));
      p.append(document.createElement('span'), ' ', button);
      const form = place.matches('form') ? place : place.querySelector('form');
      (form || place).before(p);
    }
    p.firstChild.textContent = `Changed by ${ev.by} just now — reload it before saving.`;
  }
}

// reloadClaim shows a claim as it is now: in place on the document page (the reader's form in
// its entry goes), else by reloading the page.
function reloadClaim(id) {
  const text = $('doc-text');
  if (text && !text.dataset.reanchor) refreshClaim(text.dataset.docId, id, true);
  else location.reload();
}

// refreshClaim fetches what a claim's change shows on the document page and applies it, all
// but the claim's panel entry when the reader is working in it (unless force).
async function refreshClaim(docId, id, force = false) {
  const blocks = new Set();
  for (const run of document.querySelectorAll(`#doc-text [data-claims~="${id}"]`)) {
    const blk = run.closest('.blk');
    if (blk) blocks.add(blk.dataset.b);
  }
  const q = panelQuery();
  q.set('claim', id);
  q.set('blocks', [...blocks].join(','));
  let res;
  try {
    res = await fetch(`/documents/${docId}/live?${q}`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  } catch {
    return; // leaving the page, or the server is away: the next event tries again
  }
  if (!res.ok) return;
  const pending = res.headers.get('Citecheck-Pending');
  const count = document.querySelector('.nav-review .count');
  if (pending !== null && count) count.textContent = `(${pending})`;
  let html = await res.text();
  const entry = $(`claim-${id}`);
  if (!force && busy(entry)) {
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    for (const el of tpl.content.querySelectorAll(`#claim-${id}, template[data-remove="claim-${id}"]`)) el.remove();
    html = tpl.innerHTML;
  }
  keepSelection(() => applyFragment(html));
}

// refreshSources brings the Sources panel up to the server's, as a change to the reference list
// or a new source left it, with the panel entries shown (see refreshClaim).
async function refreshSources(docId) {
  const q = panelQuery();
  q.set('sources', '1');
  let res;
  try {
    res = await fetch(`/documents/${docId}/live?${q}`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  } catch {
    return;
  }
  if (!res.ok) return;
  const tpl = document.createElement('template');
  tpl.innerHTML = await res.text();
  // An entry the reader is working in stays as it is.
  for (const el of tpl.content.querySelectorAll('li.claim')) {
    const now = $(el.id);
    if (now && busy(now)) el.remove();
  }
  keepSelection(() => applyFragment(tpl.innerHTML));
}

// mergeList swaps the children of list for those of fresh (matched by id), keeping the ones
// the reader is working in and those newer than fresh's (a fetch sent before the reader's own
// decision, answered after it), and puts new ones in the server's order. A row the fresh list no
// longer has stays where it was when the reader is working in it, or has just decided it: the
// decision's Undo stays offered (the reader's own approval is an event that refreshes the
// queue a moment later, wherever the focus is by then).
export function mergeList(list, fresh) {
  const keep = new Map([...list.children].map((li) => [li.id, li]));
  const order = [];
  for (const li of [...fresh.children]) {
    const old = keep.get(li.id);
    keep.delete(li.id);
    if (old && (busy(old) || old.isEqualNode(li) || staleCopy(li, old))) {
      order.push(old);
    } else {
      if (old && old.classList.contains('current')) li.classList.add('current');
      order.push(li);
    }
  }
  let at = 0; // where the next row kept in its old place goes: after its old predecessor
  for (const old of [...list.children]) {
    const i = order.findIndex((li) => li.id === old.id);
    if (i >= 0) {
      at = i + 1;
    } else if (keep.has(old.id) && (busy(old) || old.classList.contains('decided'))) {
      order.splice(at++, 0, old);
    }
  }
  // Moving the rows takes each out of the page for a moment, and the row the reader works in
  // would lose the focus with it: give it back (a key pressed next lands where it was aimed).
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  list.replaceChildren(...order);
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}

// refreshPage fetches the page again and swaps in the parts that change with the desk.
async function refreshPage() {
  const res = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
  const swap = (sel) => {
    const now = document.querySelector(sel);
    const next = fresh.querySelector(sel);
    if (now && next) now.replaceWith(document.importNode(next, true));
  };
  swap('.nav-review .count');
  swap('#queue-total');
  if (location.pathname !== '/review') {
    swapMain(fresh, 'table.docs, main > p.empty');
    return;
  }
  const queue = $('review-queue');
  const next = fresh.getElementById('review-queue');
  if (queue && next) mergeList(queue, next);
  else swapMain(fresh, '#review-queue, main > p.empty');
}

// swapMain replaces the first element of main that sel matches with the fresh page's.
function swapMain(fresh, sel) {
  const now = document.querySelector(sel);
  const next = fresh.querySelector(sel);
  if (now && next && !busy(now)) now.replaceWith(document.importNode(next, true));
}

// debounced runs fn once after a burst of calls has been quiet for ms. A failed fetch (the
// reader is leaving the page, the server is restarting) is let go: the next event tries again.
function debounced(fn, ms) {
  let timer = 0;
  const run = () => Promise.resolve(fn()).catch(() => {});
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}

// showPresence says who else has the document open.
function showPresence(users) {
  const others = users.filter((u) => u !== me);
  let p = $('live-presence');
  if (!p) {
    p = document.createElement('p');
    p.id = 'live-presence';
    p.className = 'live-presence';
    const h1 = document.querySelector('main h1');
    if (h1) h1.after(p);
    else document.querySelector('main').prepend(p);
  }
  p.hidden = others.length === 0;
  p.textContent = others.length ? `Also here: ${others.join(', ')}` : '';
}

const CLAIM_EVENTS = ['claim.created', 'claim.updated', 'claim.reviewed', 'claim.deleted', 'evidence.added', 'evidence.deleted'];
const DESK_EVENTS = [...CLAIM_EVENTS, 'revision.created', 'document.created', 'document.deleted'];

function follow() {
  if (!meta) return;
  const text = $('doc-text');
  const docId = text ? text.dataset.docId : null;
  const source = new EventSource(meta.content);
  window.citecheckLive = source; // for tests and the console: readyState, close()
  // A page left for another is closed with its stream: else the back/forward cache keeps the
  // stream's connection open, and after six such pages the browser has no connection left to
  // the server (its limit per host) and every navigation hangs. A page brought back from that
  // cache is reloaded, to follow the desk again from its current state.
  window.addEventListener('pagehide', () => source.close());
  window.addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });

  if (docId) {
    // The document page: the claims that changed, each fetched once per burst.
    // The bursts' fetches go one after the other, in the events' order: an answer sent off
    // before a later change never lands after that change's own.
    const waiting = new Set();
    let queue = Promise.resolve();
    const flush = debounced(() => {
      const ids = [...waiting];
      waiting.clear();
      queue = queue.then(async () => {
        for (const id of ids) await refreshClaim(docId, id);
      }).catch(() => {});
      return queue;
    }, 100);
    for (const name of CLAIM_EVENTS) {
      source.addEventListener(name, (e) => {
        const ev = JSON.parse(e.data);
        waiting.add(ev.claim_id);
        flush();
        warnConflicts(ev);
      });
    }
    // A change to the reference list, or a new source, brings the whole Sources panel (and
    // the panel entries shown, whose checks follow the list), in the same queue.
    let sources = false;
    const flushSources = debounced(() => {
      if (!sources) return queue;
      sources = false;
      queue = queue.then(() => refreshSources(docId)).catch(() => {});
      return queue;
    }, 100);
    for (const name of ['references.changed', 'source.added']) {
      source.addEventListener(name, () => {
        sources = true;
        flushSources();
      });
    }
    // A new comment changes only the count on the claim's panel entry.
    source.addEventListener('comment.added', (e) => {
      waiting.add(JSON.parse(e.data).claim_id);
      flush();
    });
    source.addEventListener('revision.created', (e) => {
      const ev = JSON.parse(e.data);
      notice('revision', `${ev.by} made revision ${ev.version} of the text just now.`, true);
    });
    source.addEventListener('document.deleted', (e) => {
      notice('deleted', `${JSON.parse(e.data).by} deleted this document just now.`, false);
    });
    source.addEventListener('presence', (e) => showPresence(JSON.parse(e.data).users));
  } else {
    // The review queue and the documents list fetch themselves again once per burst; the
    // claim page only warns its form.
    const refresh = debounced(refreshPage, 300);
    const listed = location.pathname === '/review' || location.pathname === '/';
    for (const name of DESK_EVENTS) {
      source.addEventListener(name, (e) => {
        warnConflicts(JSON.parse(e.data));
        if (listed) refresh();
      });
    }
  }
  followDiscussion(source);
  source.addEventListener('reset', () => location.reload());
}

// followDiscussion shows new comments on a claim page's thread as they are written: the thread
// is fetched again, leaving the comment being typed alone.
function followDiscussion(source) {
  const thread = $('discussion');
  if (!thread) return;
  const fetchThread = debounced(async () => {
    const res = await fetch(location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (!res.ok) return;
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
    for (const id of ['comment-list', 'comment-count']) {
      const next = fresh.getElementById(id);
      if (next && $(id)) $(id).replaceWith(document.importNode(next, true));
    }
    const empty = $('no-comments');
    if (empty && !fresh.getElementById('no-comments')) empty.remove();
  }, 100);
  source.addEventListener('comment.added', (e) => {
    if (String(JSON.parse(e.data).claim_id) === thread.dataset.claimId) fetchThread();
  });
}

follow();
