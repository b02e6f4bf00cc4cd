package vault

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// ErrWeakPassphrase is returned for passphrases below the strength required.
var ErrWeakPassphrase = errors.New("passphrase is too weak")

// MinPassphraseLen is the shortest passphrase accepted.
const MinPassphraseLen = 12

// Strength rates a passphrase from 0 (trivial) to 4 (strong), with zxcvbn, the
// estimator password managers use, and says why when it is weak. Its cost
// grows with the length (up to a few hundred ms at 256 characters), so the
// UI rates in Update, once per change, never in View.
func Strength(pass string) (score int, feedback string) {
	if pass == "" {
		return 0, "type a passphrase"
	}
	r := zxcvbn.PasswordStrength(pass, []string{"dexonboard", "dexcom", "rook"})
	score = r.Score
	n := utf8.RuneCountInString(pass)
	switch {
	case n < MinPassphraseLen:
		return min(score, 2), fmt.Sprintf("too short: %d characters, use at least %d (a few unrelated words work well)", n, MinPassphraseLen)
	case score < 3:
		return score, "too easy to guess: add another unrelated word, or avoid common words, names and patterns"
	case score == 3:
		return score, "good"
	}
	return score, "strong"
}

// CheckPassphrase refuses passphrases that are too short or too guessable.
func CheckPassphrase(pass string) error {
	score, feedback := Strength(pass)
	if score < 3 || utf8.RuneCountInString(pass) < MinPassphraseLen {
		return fmt.Errorf("%w: %s", ErrWeakPassphrase, feedback)
	}
	return nil
}
