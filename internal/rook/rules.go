package rook

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// UserIDRule is ROOK's OpenAPI pattern for a user_id.
const UserIDRule = `^[a-zA-Z0-9-]{1,50}$`

var userIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(UserIDRule) })

// UserIDError is a user id that breaks ROOK's rule; nothing was sent. Its
// text says why without echoing the id, which came from outside.
type UserIDError struct {
	Len int // in bytes
}

func (e *UserIDError) Error() string {
	switch {
	case e.Len == 0:
		return "the ROOK user id is empty: ROOK's rule is " + UserIDRule + " (letters, digits and hyphens, 1 to 50)"
	case e.Len > 50:
		return fmt.Sprintf("the ROOK user id is %d characters, at most 50 (ROOK's rule %s)", e.Len, UserIDRule)
	}
	return "the ROOK user id may hold only letters, digits and hyphens (ROOK's rule " + UserIDRule + ")"
}

// ValidateUserID checks id against ROOK's rule before any call.
func ValidateUserID(id string) error {
	if !userIDPattern().MatchString(id) {
		return &UserIDError{Len: len(id)}
	}
	return nil
}

// MaxRedirectURL is the longest redirect_url ROOK's OpenAPI accepts.
const MaxRedirectURL = 50

// ErrRedirectURL means a redirect_url ROOK would refuse; nothing was sent.
var ErrRedirectURL = errors.New("ROOK accepts a redirect_url only as an https URL of at most 50 characters")

// ValidateRedirectURL checks a redirect_url against ROOK's OpenAPI
// (^https://.+, at most 50 characters) and says why it is refused. It works
// only for clients with ROOK's "Callback URL" add-on; without one, send
// none and poll the authorized list.
func ValidateRedirectURL(raw string) error {
	shown := clip(safetext.Line(raw))
	u, err := url.Parse(raw)
	switch {
	case safetext.Has(raw) || err != nil || u.Host == "":
		return fmt.Errorf("%w: %q is not a URL", ErrRedirectURL, shown)
	case !strings.HasPrefix(raw, "https://"):
		return fmt.Errorf("%w: %q is not https (a local http page cannot be ROOK's redirect_url; leave it out and dexonboard asks ROOK instead)", ErrRedirectURL, shown)
	case utf8.RuneCountInString(raw) > MaxRedirectURL:
		return fmt.Errorf("%w: %q is %d characters", ErrRedirectURL, shown, utf8.RuneCountInString(raw))
	}
	return nil
}
