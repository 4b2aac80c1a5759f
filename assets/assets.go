// Package assets holds the browser side of citecheck: one stylesheet and one hand-written ES
// module, embedded so the binary serves them without files on disk.
package assets

import "embed"

// FS holds style.css, app.js, evidence.js and live.js, served under /assets/.
//
//go:embed style.css app.js evidence.js live.js
var FS embed.FS
