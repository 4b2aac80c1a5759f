// Package formats writes a document and its claims in the exchange formats citecheck offers, and
// reads back the two it imports: the native export, W3C Web Annotations, ClaimReview and CSV.
//
// The domain types, vocabularies, errors, offsets, checks and claim rules live at the module root
// (package citecheck); this package only encodes and decodes them, and the root never imports
// it. One file per format:
//
//   - native.go: the native export ("citecheck/v1"), built with its checks computed once and
//     streamed claim by claim (WriteExport), indented by the encoder as it writes.
//   - etag.go: ExportETag, the entity tag of any export, from what its body is made from.
//   - native_import.go: DecodeExport and PrepareImport, which trust nothing in a file and hold
//     it to the bounds of every other door (limits.go at the root).
//   - w3c.go: the W3C Web Annotation AnnotationCollection (JSON-LD) of a native export; every
//     key is a term of the official anno.jsonld context or of the citecheck: prefix that the
//     export declares (W3CVocab), and its embedded page has an id.
//   - w3c_import.go: ParseW3C and AnchorW3C, which place each annotation's quote with
//     anchor.Locate, by the same rules as re-anchoring.
//   - claimreview.go: the schema.org ClaimReview feed of the approved claims.
//   - csv.go: the CSV of the claims, safe to open in a spreadsheet.
//
// Both imports produce claims without sign-off: what a file says of its review, authors and
// dates is kept as citecheck.Provenance, never as live state.
package formats
