package citecheck

import (
	"strings"
	"time"
)

// ActionCommented is a comment added to a claim's discussion. It is recorded in the claim's
// history (with the comment as its one change) and announced live as "comment.added".
const ActionCommented = "commented"

// MaxDiscussionLen is the longest comment of a claim's discussion, in code points: a few
// paragraphs, as a review comment.
const MaxDiscussionLen = 4_000

// Comment is one message of the discussion under a claim: a checker and an editor talking a
// claim through. Any signed-in user may write one; nobody edits or removes one, so the thread
// is a record like the claim's history.
type Comment struct {
	ID         int64     `json:"id"`
	ClaimID    int64     `json:"claim_id"`
	DocumentID int64     `json:"document_id"`
	Body       string    `json:"body"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// CommentNotice is a comment on a claim the reader takes part in, for "My work": the comment
// with the title of its document.
type CommentNotice struct {
	Comment
	DocumentTitle string `json:"document_title"`
}

// NormalizeComment is the rule for the body of a discussion comment at every door: line ends
// made LF, spaces around trimmed, not empty (ECodeInvalid), at most MaxDiscussionLen code points
// (ECodeTooLong) and no control character but TAB and LF (ECodeControlChar), all about "body".
func NormalizeComment(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n"))
	if body == "" {
		return "", FieldErrorf(ECodeInvalid, "body", "a comment needs some text")
	}
	if err := checkLength("body", "the comment", body, MaxDiscussionLen); err != nil {
		return "", err
	}
	if err := CheckFreeText("body", body); err != nil {
		return "", err
	}
	return body, nil
}
