// Package assets holds the browser side of citecheck: one stylesheet and small hand-written ES
// modules, embedded so the binary serves them without files on disk.
package assets

import "embed"

// FS holds style.css, app.js and passage.js (search's link to a passage), served under /assets/.
//
//go:embed style.css app.js passage.js
var FS embed.FS
