// Positions in the document text, in code points as the server counts them: from a DOM point
// and back, the text between two offsets, the citation markers as the page renders them, and
// the words and sentences that the selection popup snaps to and the keyboard cursor moves by.
//
// #doc-text holds blocks (<div class="blk" data-b="N">) of runs. Every text node in it is the
// only child of a <span data-o="N">, where N is the code point offset of its first character,
// so each end of a selection resolves on its own. A marker's runs have the class mk; the first
// of them has the id m-{start}.

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

// utf16Index is the UTF-16 index in s of code point k (s.length past the end).
function utf16Index(s, k) {
  let u = 0;
  for (const ch of s) {
    if (k-- <= 0) break;
    u += ch.length;
  }
  return u;
}

export function docLength(root) {
  return parseInt(root.dataset.length, 10) || 0;
}

const isRun = (el) => !!el && el.dataset && el.dataset.o !== undefined;

function runOffset(text) {
  return parseInt(text.parentNode.dataset.o, 10);
}

// textWalker visits the run text nodes of root in document order.
function textWalker(root) {
  return document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (isRun(n.parentNode) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
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
    if (isRun(node.parentNode)) return runOffset(node) + codePointsBefore(node.data, offset);
    // A text node that is not a run (there should be none): resolve from after it.
    return firstTextAfter(root, node, true);
  }
  if (offset < node.childNodes.length) {
    const child = node.childNodes[offset];
    if (child.nodeType === Node.TEXT_NODE && isRun(child.parentNode)) return runOffset(child);
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

// lastAtOrBefore finds, in items sorted by key, the last whose key is at most n (else the first).
function lastAtOrBefore(items, key, n) {
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (key(items[mid]) <= n) lo = mid;
    else hi = mid - 1;
  }
  return items[lo];
}

// runAt answers the run that holds the character at code point offset (the last run for the
// document's end), found by halving over the blocks and then the block's runs.
export function runAt(root, offset) {
  const blocks = root.children;
  if (blocks.length === 0) return null;
  const block = lastAtOrBefore(blocks, (b) => +b.dataset.b, offset);
  const runs = block.querySelectorAll('span[data-o]');
  return runs.length ? lastAtOrBefore(runs, (r) => +r.dataset.o, offset) : null;
}

// domPoint is the DOM boundary point of a code point offset, for a Range.
export function domPoint(root, offset) {
  const run = runAt(root, offset);
  const text = run.firstChild;
  return { node: text, offset: Math.min(text.data.length, utf16Index(text.data, offset - +run.dataset.o)) };
}

// rangeOf is a DOM Range over the code points start..end.
export function rangeOf(root, start, end) {
  const a = domPoint(root, start);
  const b = domPoint(root, end);
  const r = document.createRange();
  r.setStart(a.node, a.offset);
  r.setEnd(b.node, b.offset);
  return r;
}

// textSlice answers the text of code points from..to, read from the runs over it.
export function textSlice(root, from, to) {
  from = Math.max(0, from);
  to = Math.min(docLength(root), to);
  if (to <= from) return '';
  const first = runAt(root, from);
  const w = textWalker(root);
  w.currentNode = first.firstChild;
  const base = +first.dataset.o;
  let s = '';
  for (let t = first.firstChild; t && runOffset(t) < to; t = w.nextNode()) s += t.data;
  const cps = [...s];
  return cps.slice(from - base, to - base).join('');
}

function siblingRun(el, forward) {
  let n = forward ? el.nextElementSibling : el.previousElementSibling;
  while (n && !isRun(n)) n = forward ? n.nextElementSibling : n.previousElementSibling;
  return n;
}

const isMarkerRun = (el) => !!el && el.classList.contains('mk');
const isMarkerHead = (el) => isMarkerRun(el) && el.id.startsWith('m-');

// markerAt answers the citation marker ({start, end}) whose bracket holds the character at
// offset, or null: a marker is the runs from its head (id m-N) to the next head or non-marker.
export function markerAt(root, offset) {
  if (offset < 0 || offset >= docLength(root)) return null;
  const run = runAt(root, offset);
  if (!isMarkerRun(run)) return null;
  let head = run;
  while (head && !isMarkerHead(head)) head = siblingRun(head, false);
  if (!isMarkerRun(head)) return null;
  let last = run;
  for (let n = siblingRun(last, true); isMarkerRun(n) && !isMarkerHead(n); n = siblingRun(n, true)) last = n;
  return { start: +head.dataset.o, end: +last.dataset.o + codePoints(last.firstChild.data) };
}

const words = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
const sentences = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'sentence' }) : null;
const space = /^\s+$/u;

// segmentsIn answers the segments ({start, end, text, word}) of code points from..to by seg.
function segmentsIn(root, seg, from, to) {
  const text = textSlice(root, from, to);
  const out = [];
  let at = Math.max(0, from);
  for (const s of seg.segment(text)) {
    const n = codePoints(s.segment);
    out.push({ start: at, end: at + n, text: s.segment, word: !!s.isWordLike });
    at += n;
  }
  return out;
}

const wordReach = 64; // how far either side of a boundary the word segmenter looks

// wordEdge moves a boundary that falls inside a word (or inside any other segment but white
// space: an emoji with its modifier, a letter with its marks) out to the segment's edge: its
// start for a span's start, its end for a span's end.
function wordEdge(root, b, isEnd) {
  if (!words) return b;
  for (const s of segmentsIn(root, words, b - wordReach, b + wordReach)) {
    if (s.start < b && b < s.end) return space.test(s.text) ? b : isEnd ? s.end : s.start;
    if (s.start >= b) break;
  }
  return b;
}

// trimSpace narrows a span past the white space at either end; null when nothing else is left.
function trimSpace(root, { start, end }) {
  const cps = [...textSlice(root, start, end)];
  let a = 0;
  let z = cps.length;
  while (a < z && space.test(cps[a])) a++;
  while (z > a && space.test(cps[z - 1])) z--;
  return a < z ? { start: start + a, end: start + z } : null;
}

// snapSpan is the span a selection means: never part of a citation marker (a marker more than
// half selected is taken whole, else left out; a selection inside one marker is that marker),
// never part of a word, and without white space at either end. It answers span itself when
// snapping would leave nothing.
export function snapSpan(root, span) {
  let { start, end } = span;
  const head = markerAt(root, start);
  const tail = markerAt(root, end - 1);
  if (head && tail && head.start === tail.start) return { start: head.start, end: head.end };
  const more = (m, inside) => inside * 2 > m.end - m.start;
  if (head && head.start < start) start = more(head, head.end - start) ? head.start : head.end;
  if (tail && tail.end > end) end = more(tail, end - tail.start) ? tail.end : tail.start;
  if (end <= start) return span;
  return trimSpace(root, { start: wordEdge(root, start, false), end: wordEdge(root, end, true) }) || span;
}

// nextWordEdge is where the keyboard caret goes from b by one word: forward to the end of the
// next word, back to the start of the word before.
export function nextWordEdge(root, b, forward) {
  const n = docLength(root);
  if (!words) return Math.max(0, Math.min(n, b + (forward ? 1 : -1)));
  const segs = segmentsIn(root, words, b - (forward ? 0 : 200), b + (forward ? 200 : 0)).filter((s) => s.word);
  if (forward) {
    const s = segs.find((x) => x.end > b);
    return s ? s.end : Math.min(n, b + 200);
  }
  const s = segs.reverse().find((x) => x.start < b);
  return s ? s.start : Math.max(0, b - 200);
}

const sentenceReach = 4000; // how far either side of the cursor the sentence segmenter looks

// sentencesAround answers the sentences ({start, end}) near b: the browser's sentence segments,
// each without the white space and the markers that open it (a marker run after a full stop
// belongs to the sentence before, as on the server) and without its trailing white space.
export function sentencesAround(root, b) {
  const n = docLength(root);
  const from = Math.max(0, b - sentenceReach);
  const to = Math.min(n, b + sentenceReach);
  if (!sentences) return [{ start: from, end: to }];
  const out = [];
  for (const s of segmentsIn(root, sentences, from, to)) {
    let start = s.start;
    for (;;) {
      const m = markerAt(root, start);
      if (m && m.start === start && m.end <= s.end) start = m.end;
      else if (start < s.end && space.test(textSlice(root, start, start + 1))) start++;
      else break;
    }
    const span = start < s.end ? trimSpace(root, { start, end: s.end }) : null;
    if (span) out.push(span);
  }
  return out;
}

// sentenceAt is the sentence that holds b, or the one before it when b is between sentences.
export function sentenceAt(root, b) {
  const all = sentencesAround(root, b);
  return [...all].reverse().find((s) => s.start <= b) || all[0] || { start: b, end: b };
}

// nextSentence is the sentence after the one at b (forward) or before it.
export function nextSentence(root, b, forward) {
  const all = sentencesAround(root, b);
  if (forward) return all.find((s) => s.start > b) || null;
  const here = sentenceAt(root, b);
  return [...all].reverse().find((s) => s.start < here.start) || null;
}

// pointAt finds the text node and UTF-16 offset of code point offset at in the runs of root.
function pointAt(root, at) {
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = w.nextNode(); t; t = w.nextNode()) {
    const run = t.parentNode.dataset && t.parentNode.dataset.o;
    if (run === undefined) continue;
    const start = +run;
    const chars = [...t.data];
    if (at <= start + chars.length) {
      return [t, chars.slice(0, Math.max(0, at - start)).join('').length];
    }
  }
  return null;
}

// keepSelection runs change, then puts back the reader's selection in the text, and the ranges
// of the CSS highlights over it (the popup's span, the editor's caret), where change replaced
// the nodes they were in: both are kept as code point offsets across it.
export function keepSelection(change) {
  const root = document.getElementById('doc-text');
  const sel = window.getSelection();
  const before = root && selectionOffsets(root, sel);
  const marks = [];
  if (root && window.CSS && CSS.highlights) {
    for (const [, hl] of CSS.highlights) {
      for (const r of hl) {
        if (!root.contains(r.startContainer)) continue;
        marks.push({ hl, r, start: pointOffset(root, r.startContainer, r.startOffset), end: pointOffset(root, r.endContainer, r.endOffset) });
      }
    }
  }
  change();
  const now = document.getElementById('doc-text');
  if (!now) return;
  for (const m of marks) {
    // A range over replaced nodes collapses into their block: compare where it is now.
    const intact = now.contains(m.r.startContainer) && m.r.collapsed === (m.start === m.end) &&
      pointOffset(now, m.r.startContainer, m.r.startOffset) === m.start &&
      pointOffset(now, m.r.endContainer, m.r.endOffset) === m.end;
    if (intact) continue;
    const range = rangeAt(now, m.start, m.end);
    m.hl.delete(m.r);
    if (range) m.hl.add(range);
  }
  if (!before) return;
  const still = sel.rangeCount > 0 && now.contains(sel.getRangeAt(0).startContainer) && selectionOffsets(now, sel);
  if (still && still.start === before.start && still.end === before.end) return;
  const range = rangeAt(now, before.start, before.end);
  if (!range) return;
  sel.removeAllRanges();
  sel.addRange(range);
}

// rangeAt is a DOM Range over the code points start..end of the runs of root, or null.
function rangeAt(root, start, end) {
  const a = pointAt(root, start);
  const b = pointAt(root, end);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(b[0], b[1]);
  return range;
}
