// Package assets holds the browser side of citecheck: one stylesheet and hand-written ES
// modules, embedded so the binary serves them without files on disk.
package assets

import "embed"

// FS holds style.css and the ES modules (app.js and those it imports), served under /assets/.
//
//go:embed style.css *.js
var FS embed.FS
