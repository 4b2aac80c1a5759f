// passage.js marks, on a document page, the passage that a search result links to: the fragment
// #p-START-END names it in code points of the text. It finds the runs (<span data-o="N">, see
// app.js) that hold both ends, highlights the range with the CSS Custom Highlight API (no change
// to the DOM, so app.js's offsets and selections are untouched) and scrolls it into view.

// point answers the text node and UTF-16 index at code point cp of the text in root, or null.
function point(root, cp) {
  let block = null;
  for (const b of root.querySelectorAll('.blk[data-b]')) {
    if (parseInt(b.dataset.b, 10) > cp) break;
    block = b;
  }
  if (!block) return null;
  let span = null;
  for (const s of block.querySelectorAll('span[data-o]')) {
    if (parseInt(s.dataset.o, 10) > cp) break;
    span = s;
  }
  const text = span && span.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return null;
  let n = parseInt(span.dataset.o, 10);
  let u = 0;
  for (const ch of text.data) {
    if (n >= cp) break;
    u += ch.length;
    n++;
  }
  return { node: text, offset: u };
}

function markPassage() {
  const m = /^#p-(\d+)-(\d+)$/.exec(location.hash);
  const root = document.getElementById('doc-text');
  if (!m || !root) return;
  const from = point(root, parseInt(m[1], 10));
  const to = point(root, parseInt(m[2], 10));
  if (!from || !to) return;
  const range = document.createRange();
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  if (window.CSS && CSS.highlights && window.Highlight) {
    CSS.highlights.set('search-passage', new Highlight(range));
  }
  from.node.parentNode.scrollIntoView({ block: 'center' });
}

window.addEventListener('hashchange', markPassage);
markPassage();
