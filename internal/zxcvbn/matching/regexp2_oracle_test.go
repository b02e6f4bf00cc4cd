package matching

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/tryrook/dexonboard/internal/zxcvbn/match"
	"github.com/tryrook/dexonboard/internal/zxcvbn/scoring"
)

// Upstream's repeat and date matchers used regexp2. The binary no longer links
// it (its package init cost every process), but the tests keep it as the
// oracle: the hand-written matchers must give exactly what these copies of
// upstream's regexp2 code give.

var (
	oracleGreedy       = regexp2.MustCompile(`(.+)\1+`, 0)
	oracleLazy         = regexp2.MustCompile(`(.+?)\1+`, 0)
	oracleLazyAnchored = regexp2.MustCompile(`^(.+?)\1+$`, 0)
	oracleDateNoSep    = regexp2.MustCompile(`^\d{4,8}$`, 0)
	oracleDateWithSep  = regexp2.MustCompile(`^(\d{1,4})([\s/\\_.-])(\d{1,2})\2(\d{1,4})$`, 0)
)

func oracleRuneToStringIndex(index int, password string) int {
	runes := 0
	for i := range password {
		if runes == index {
			return i
		}
		runes++
	}
	//shouldn't really get here
	return len(password)
}

// oracleRepeatMatches is upstream's repeatMatch.Matches.
func oracleRepeatMatches(password string) []*match.Match {
	var matches []*match.Match

	lastIndex := 0
	for lastIndex < len(password) {
		greedyMatch, err := oracleGreedy.FindStringMatchStartingAt(password, lastIndex)
		if err != nil || greedyMatch == nil {
			break
		}
		lazyMatch, _ := oracleLazy.FindStringMatchStartingAt(password, lastIndex)

		var rmatch *regexp2.Match
		var baseToken string
		if greedyMatch.Captures[0].Length > lazyMatch.Captures[0].Length {
			rmatch = greedyMatch
			if m, err := oracleLazyAnchored.FindStringMatch(rmatch.Captures[0].String()); err == nil {
				baseToken = m.GroupByNumber(1).String()
			}
		} else {
			rmatch = lazyMatch
			baseToken = rmatch.GroupByNumber(1).String()
		}
		i := oracleRuneToStringIndex(rmatch.Index, password)
		j := oracleRuneToStringIndex(rmatch.Index+rmatch.Captures[0].Length-1, password)

		baseAnalysis := scoring.MostGuessableMatchSequence(
			baseToken,
			Omnimatch(baseToken, nil),
			false,
		)
		matches = append(matches, &match.Match{
			Pattern:     "repeat",
			I:           i,
			J:           j,
			Token:       rmatch.Captures[0].String(),
			BaseToken:   baseToken,
			BaseGuesses: baseAnalysis.Guesses,
			BaseMatches: baseAnalysis.Sequence,
			RepeatCount: rmatch.Captures[0].Length / len(baseToken),
		})
		lastIndex = j + 1
	}
	return matches
}

// oracleDateMatches is upstream's dateMatch.Matches.
func oracleDateMatches(password string) []*match.Match {
	matches := []*match.Match{}

	for i := 0; i <= len(password)-4; i++ {
		for j := i + 3; j <= i+7; j++ {
			if j >= len(password) {
				break
			}
			token := password[i : j+1]
			if m, err := oracleDateNoSep.MatchString(token); !m || err != nil {
				continue
			}
			var candidates []*dateMatchCandidate
			for _, s := range dateSplits[len(token)] {
				s1, s2, s3 := token[0:s.k], token[s.k:s.l], token[s.l:]
				if dmy := mapIntsToDMY(s1, s2, s3); dmy != nil {
					candidates = append(candidates, dmy)
				}
			}
			if len(candidates) == 0 {
				continue
			}
			bestCandidate := candidates[0]
			minDistance := dateMatchMetric(candidates[0])
			for _, candidate := range candidates[1:] {
				distance := dateMatchMetric(candidate)
				if distance < minDistance {
					bestCandidate = candidate
					minDistance = distance
				}
			}
			matches = append(matches, &match.Match{
				Pattern:   "date",
				Token:     token,
				I:         i,
				J:         j,
				Separator: "",
				Year:      bestCandidate.Year,
				Month:     bestCandidate.Month,
				Day:       bestCandidate.Day,
			})
		}
	}

	for i := 0; i <= len(password)-6; i++ {
		for j := i + 5; j <= i+9; j++ {
			if j >= len(password) {
				break
			}
			token := password[i : j+1]
			m, err := oracleDateWithSep.FindStringMatch(token)
			if m == nil || err != nil {
				continue
			}
			dmy := mapIntsToDMY(
				m.GroupByNumber(1).String(),
				m.GroupByNumber(3).String(),
				m.GroupByNumber(4).String(),
			)
			if dmy != nil {
				matches = append(matches, &match.Match{
					Pattern:   "date",
					Token:     token,
					I:         i,
					J:         j,
					Separator: m.GroupByNumber(2).String(),
					Year:      dmy.Year,
					Month:     dmy.Month,
					Day:       dmy.Day,
				})
			}
		}
	}

	var filteredMatches []*match.Match
	for _, m := range matches {
		isSubmatch := false
		for _, o := range matches {
			if m == o {
				continue
			}
			if o.I <= m.I && o.J >= m.J {
				isSubmatch = true
				break
			}
		}
		if !isSubmatch {
			filteredMatches = append(filteredMatches, m)
		}
	}
	match.Sort(filteredMatches)
	return filteredMatches
}

// describeRepeat prints what the repeat matcher decides. The base's own
// best sequence is given by span and token only: the dictionaries are
// searched in map order, so between equally good matches it may name a
// different one from run to run (in upstream too).
func describeRepeat(ms []*match.Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "{%s i=%d j=%d token=%q base=%q count=%d baseGuesses=%v base:",
			m.Pattern, m.I, m.J, m.Token, m.BaseToken, m.RepeatCount, m.BaseGuesses)
		for _, s := range m.BaseMatches {
			fmt.Fprintf(&b, " [%d,%d %q]", s.I, s.J, s.Token)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func describeDates(ms []*match.Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "{%s i=%d j=%d token=%q sep=%q %d-%d-%d}\n",
			m.Pattern, m.I, m.J, m.Token, m.Separator, m.Year, m.Month, m.Day)
	}
	return b.String()
}

// checkAgainstRegexp2 compares the hand-written matchers with regexp2 on s.
func checkAgainstRegexp2(t *testing.T, s string) {
	t.Helper()
	if got, want := describeRepeat(repeatMatch{}.Matches(s)), describeRepeat(oracleRepeatMatches(s)); got != want {
		t.Errorf("repeat matches of %q:\n got: %s\nwant: %s", s, got, want)
	}
	if got, want := describeDates(dateMatch{}.Matches(s)), describeDates(oracleDateMatches(s)); got != want {
		t.Errorf("date matches of %q:\n got: %s\nwant: %s", s, got, want)
	}
	// The date patterns on every token the date matcher tries (and s itself),
	// since the matches above keep only the longest dates.
	tokens := []string{s}
	for i := range len(s) {
		for j := i + 4; j <= i+10 && j <= len(s); j++ {
			tokens = append(tokens, s[i:j])
		}
	}
	for _, tok := range tokens {
		want, _ := oracleDateNoSep.MatchString(tok)
		if got := maybeDateNoSeparator(tok); got != want {
			t.Errorf(`^\d{4,8}$ on %q: got %v, regexp2 %v`, tok, got, want)
		}
		var want4 [4]string
		m, _ := oracleDateWithSep.FindStringMatch(tok)
		if m != nil {
			for k := range want4 {
				want4[k] = m.GroupByNumber(k + 1).String()
			}
		}
		a, sep, b, c, ok := maybeDateWithSeparator(tok)
		if ok != (m != nil) || [4]string{a, sep, b, c} != want4 {
			t.Errorf("date-with-separator on %q: got %v %q, regexp2 %v %q", tok, ok, [4]string{a, sep, b, c}, m != nil, want4)
		}
	}
}

// regexp2Seeds are inputs where regexp2's flavour shows: runes, Unicode
// digits and spaces, '\n' (which `.` does not match and before which $ also
// matches), invalid UTF-8, and repeats of every shape.
var regexp2Seeds = []string{
	"", "a", "aa", "aaa", "aaaaa", "aabaab", "aabaabaabaab", "abcabcabc", "abab",
	"&&&&&", "y4@&&&&&u%7", "BBB1111aaaaa@@@@@@", "batterystaplebatterystaple",
	"correct horse battery staple correct horse battery staple",
	"abcabcabcXabcabc", "aXbXaXbX", "xyxyxyzxyxyxyz", "aaXaaXaaaXaaaX",
	"é", "éé", "ééé", "éaéa", "ééa", "aéaé!", "日本日本日本", "😀😀", "😀😀😀a😀😀",
	"\n", "\n\n", "a\na\n", "aa\naa", "ab\nab\nab\n", "x\n\n\nx", "aaa\n",
	"\xff\xff", "\xff\xfe\xff\xfe", "\xe2\x82", "a\xffa\xff", "\xef\xbf\xbd\xff",
	"\xc3\xa9\xc3", "\xc3\xc3\xa9\xa9", "\xf0\x9f\x98\xf0\x9f\x98",
	"1191", "111504", "11111991", "1/1/91", "11/11/1991", "2015_06_04", "1 1 91",
	"02-29-2000", "1.1.1", "13.13.13", "12\\12\\12", "1\t2\t1999", "1\n2\n1999",
	"1/1/91\n", "1234\n", "12345678\n", "1234\n\n", "\n1234", "1/1/91\n\n",
	"١٢٣٤", "123٣", "1٣/1/91", "٣/٣/٣٣", "1\u00a01\u00a091", "1\u30001\u30001991",
	"1\u20281\u20281991", "1/1-91", "1//1/91", "12345/1/1", "1/123/1", "1/1/12345",
	"0/0/0000", "31-12-2050", "1-1-2051", "99999", "0000000", "x11/11/1991y",
	"1991\xff", "\xff1991", "19\xff91", "1/1/\xff91",
	strings.Repeat("correct horse battery staple ", 3)[:64],
	strings.Repeat("ab", 128), strings.Repeat("é", 100), strings.Repeat("a\n", 50),
	strings.Repeat("1/1/91", 20), strings.Repeat("\xff", 64),
}

// TestMatchersAgreeWithRegexp2 runs the seeds and random strings built from
// the characters that matter to these patterns.
func TestMatchersAgreeWithRegexp2(t *testing.T) {
	for _, s := range regexp2Seeds {
		checkAgainstRegexp2(t, s)
	}
	alphabet := []string{"a", "b", "1", "9", "0", "/", "-", ".", "_", "\\", " ", "\t",
		"\n", "\r", "\u00a0", "\u3000", "٣", "०", "é", "😀", "\xff", "\xc3", "\xa9", "\uFFFD"}
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewSource(1))
	for range n {
		var b strings.Builder
		for range rng.Intn(24) {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		s := b.String()
		if rng.Intn(2) == 0 && len(s) > 0 { // make repeats likely
			s = strings.Repeat(s[:rng.Intn(len(s))+1], 2+rng.Intn(3)) + s
		}
		checkAgainstRegexp2(t, s)
		if t.Failed() {
			return
		}
	}
}

// FuzzMatchersAgreeWithRegexp2 looks for any string on which the
// hand-written repeat and date matchers and regexp2 differ.
func FuzzMatchersAgreeWithRegexp2(f *testing.F) {
	for _, s := range regexp2Seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 { // regexp2's backtracking is cubic in the length
			t.Skip()
		}
		checkAgainstRegexp2(t, s)
	})
}

// TestMatchersAgreeWithRegexp2OnAllShortStrings tries every short string over
// alphabets that hold what the patterns care about: a repeated rune, '\n', a
// two-byte rune and its bytes alone (invalid UTF-8), Unicode digits and
// spaces.
func TestMatchersAgreeWithRegexp2OnAllShortStrings(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	var each func(alphabet []string, s string, depth int, check func(string))
	each = func(alphabet []string, s string, depth int, check func(string)) {
		check(s)
		if depth > 0 && !t.Failed() {
			for _, c := range alphabet {
				each(alphabet, s+c, depth-1, check)
			}
		}
	}
	each([]string{"a", "b", "\n", "é", "\xc3", "\xa9"}, "", 6, func(s string) {
		if got, want := describeRepeat(repeatMatch{}.Matches(s)), describeRepeat(oracleRepeatMatches(s)); got != want {
			t.Errorf("repeat matches of %q:\n got: %s\nwant: %s", s, got, want)
		}
	})
	each([]string{"1", "2", "/", "\n", "٣", " ", "\u3000", "a"}, "", 6, func(s string) {
		want, _ := oracleDateNoSep.MatchString(s)
		if got := maybeDateNoSeparator(s); got != want {
			t.Errorf(`^\d{4,8}$ on %q: got %v, regexp2 %v`, s, got, want)
		}
		var want4 [4]string
		m, _ := oracleDateWithSep.FindStringMatch(s)
		if m != nil {
			for k := range want4 {
				want4[k] = m.GroupByNumber(k + 1).String()
			}
		}
		a, sep, b, c, ok := maybeDateWithSeparator(s)
		if ok != (m != nil) || [4]string{a, sep, b, c} != want4 {
			t.Errorf("date-with-separator on %q: got %v %q, regexp2 %v %q", s, ok, [4]string{a, sep, b, c}, m != nil, want4)
		}
	})
}
