package matching

import (
	"github.com/tryrook/dexonboard/internal/zxcvbn/match"
	"github.com/tryrook/dexonboard/internal/zxcvbn/scoring"
)

// Upstream finds repeats with the regexp2 (.NET-flavoured) patterns
// `(.+)\1+` (greedy), `(.+?)\1+` (lazy) and `^(.+?)\1+$` (anchored lazy).
// regexp2's package init costs every dexonboard process, so the same
// backtracking results are computed here by hand; regexp2_oracle_test.go
// checks them against regexp2. The quirks are upstream's and kept on purpose:
// positions are runes decoded as `range` does (an invalid byte is one U+FFFD),
// J is the byte offset of the match's last rune, RepeatCount divides a rune
// count by a byte length, and the scan stops after a match that ends in a
// multi-byte rune (regexp2 rejects the unaligned start offset).

type repeatMatch struct{}

// decodeRunes splits s into runes the way regexp2 does, with the byte offset
// at which each one starts.
func decodeRunes(s string) (runes []rune, offsets []int) {
	runes = make([]rune, 0, len(s))
	offsets = make([]int, 0, len(s))
	for i, r := range s {
		runes = append(runes, r)
		offsets = append(offsets, i)
	}
	return runes, offsets
}

// repeatsAt reports how many times x = r[p:p+n] occurs back to back from p
// (x itself included).
func repeatsAt(r []rune, p, n int) int {
	count := 1
	for q := p + n; q+n <= len(r) && equalRunes(r[p:p+n], r[q:q+n]); q += n {
		count++
	}
	return count
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// repeatCandidates finds the leftmost position p >= start where some x
// (a run of runes without '\n', as `.` matches) is followed by a copy of
// itself, and the shortest and longest such x there: what `(.+?)\1+` and
// `(.+)\1+` capture. The whole matches repeat x as often as possible.
func repeatCandidates(r []rune, start int) (p, lazyLen, greedyLen int, ok bool) {
	for p = start; p < len(r); p++ {
		lazyLen, greedyLen = 0, 0
		for n := 1; p+2*n <= len(r); n++ {
			if r[p+n-1] == '\n' {
				break
			}
			if equalRunes(r[p:p+n], r[p+n:p+2*n]) {
				if lazyLen == 0 {
					lazyLen = n
				}
				greedyLen = n
			}
		}
		if lazyLen > 0 {
			return p, lazyLen, greedyLen, true
		}
	}
	return 0, 0, 0, false
}

// shortestPeriod is the group `^(.+?)\1+$` captures in t, a string made of
// at least two copies of one run: the shortest run that t repeats exactly.
func shortestPeriod(t []rune) int {
	for n := 1; n <= len(t)/2; n++ {
		if len(t)%n == 0 && repeatsAt(t, 0, n)*n == len(t) {
			return n
		}
	}
	return len(t)
}

func (repeatMatch) Matches(password string) []*match.Match {
	var matches []*match.Match
	runes, offsets := decodeRunes(password)

	lastIndex := 0
	start := 0
	for lastIndex < len(password) {
		p, lazyLen, greedyLen, ok := repeatCandidates(runes, start)
		if !ok {
			break
		}
		lazyTotal := lazyLen * repeatsAt(runes, p, lazyLen)
		greedyTotal := greedyLen * repeatsAt(runes, p, greedyLen)

		var total int
		var baseToken string
		if greedyTotal > lazyTotal {
			// greedy beats lazy for 'aabaab'
			//   greedy: [aabaab, aab]
			//   lazy:   [aa,     a]
			// greedy's repeated string might itself be repeated, eg.
			// aabaab in aabaabaabaab: its shortest period is the base.
			total = greedyTotal
			baseToken = string(runes[p : p+shortestPeriod(runes[p:p+total])])
		} else {
			// lazy beats greedy for 'aaaaa'
			//   greedy: [aaaa,  aa]
			//   lazy:   [aaaaa, a]
			total = lazyTotal
			baseToken = string(runes[p : p+lazyLen])
		}
		i := offsets[p]
		j := offsets[p+total-1]

		// recursively match and score the base string
		baseAnalysis := scoring.MostGuessableMatchSequence(
			baseToken,
			Omnimatch(baseToken, nil),
			false,
		)
		matches = append(matches, &match.Match{
			Pattern:     "repeat",
			I:           i,
			J:           j,
			Token:       string(runes[p : p+total]),
			BaseToken:   baseToken,
			BaseGuesses: baseAnalysis.Guesses,
			BaseMatches: baseAnalysis.Sequence,
			RepeatCount: total / len(baseToken),
		})
		lastIndex = j + 1
		// regexp2 takes a byte offset and fails unless a rune starts there.
		start = p + total
		if lastIndex < len(password) && (start == len(runes) || offsets[start] != lastIndex) {
			break
		}
	}
	return matches
}
