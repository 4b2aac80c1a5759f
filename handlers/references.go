package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/citecheck/citecheck"
)

type referenceRequest struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
	URL    string `json:"url"`
}

// referenceChange is one edit of a reference list, by hand: add, edit or remove one entry.
type referenceChange struct {
	op    string // "add", "edit", "remove"
	entry citecheck.Reference
}

// validateReference checks a hand-made entry before it touches the list.
func validateReference(e citecheck.Reference, op string) error {
	if op != "remove" {
		text := strings.TrimSpace(e.Text)
		if text == "" {
			return citecheck.FieldErrorf(citecheck.ECodeInvalid, "text", "a reference entry needs its text")
		}
		if err := citecheck.CheckReference(citecheck.Reference{Number: e.Number, Text: text, URL: e.URL}); err != nil {
			return err
		}
		if err := refuseControls("text", text); err != nil {
			return citecheck.FieldErrorf(citecheck.ECodeControlChar, "text", "the entry holds a control character")
		}
		if e.URL != "" {
			u, err := url.Parse(e.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return citecheck.FieldErrorf(citecheck.ECodeInvalid, "url", "url must be an http or https address")
			}
		}
	}
	return nil
}

// changeReferences applies one change to a document's list inside the store's transaction and
// forgets the cached document, whose checks now change.
func (s *Server) changeReferences(c echo.Context, docID int64, ch referenceChange) (*citecheck.ReferenceList, error) {
	if err := validateReference(ch.entry, ch.op); err != nil {
		return nil, err
	}
	list, err := s.store.UpdateReferences(c.Request().Context(), docID, currentUser(c).ID, func(cur *citecheck.ReferenceList, length int) (*citecheck.ReferenceList, error) {
		src := citecheck.DocumentSources(&citecheck.Document{References: cur, Length: length})
		var entries []citecheck.Reference
		if cur != nil {
			entries = append(entries, cur.Entries...)
		}
		i := -1
		for k, e := range entries {
			if e.Number == ch.entry.Number {
				i = k
			}
		}
		switch {
		case ch.op == "add" && i >= 0:
			return nil, citecheck.FieldErrorf(citecheck.ECodeConflict, "number", "reference %d is already in the list", ch.entry.Number)
		case ch.op != "add" && i < 0:
			return nil, citecheck.Errorf(citecheck.ECodeNotFound, "reference %d is not in the list", ch.entry.Number)
		case ch.op == "add":
			entries = append(entries, ch.entry)
		case ch.op == "edit":
			entries[i].Text, entries[i].URL, entries[i].Manual = ch.entry.Text, ch.entry.URL, true
		default:
			entries = append(entries[:i], entries[i+1:]...)
		}
		next, err := src.WithEntries(entries)
		if err != nil {
			return nil, err
		}
		return next.List, nil
	})
	s.docs.forget(docID)
	return list, err
}

func (s *Server) addReference(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	var req referenceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	list, err := s.changeReferences(c, d.doc.ID, referenceChange{op: "add",
		entry: citecheck.Reference{Number: req.Number, Text: req.Text, URL: req.URL, Manual: true}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"references": list})
}

func referenceNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n <= 0 {
		return 0, citecheck.Errorf(citecheck.ECodeNotFound, "%q is not a reference number", c.Param("number"))
	}
	return n, nil
}

func (s *Server) editReference(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	n, err := referenceNumber(c)
	if err != nil {
		return err
	}
	var req referenceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	list, err := s.changeReferences(c, d.doc.ID, referenceChange{op: "edit",
		entry: citecheck.Reference{Number: n, Text: req.Text, URL: req.URL}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"references": list})
}

func (s *Server) removeReference(c echo.Context) error {
	d, err := s.documentFromPath(c)
	if err != nil {
		return err
	}
	n, err := referenceNumber(c)
	if err != nil {
		return err
	}
	if _, err := s.changeReferences(c, d.doc.ID, referenceChange{op: "remove", entry: citecheck.Reference{Number: n}}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
