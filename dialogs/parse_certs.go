package dialogs

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"specbot/eligibility"
)

// certWords splits a name into lower-case words of letters and digits,
// with ё folded into е: "Cloud service engineer" → cloud, service, engineer.
func certWords(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// certStopWords are left out of a name's short form.
var certStopWords = map[string]bool{"for": true, "in": true, "of": true, "an": true, "a": true, "the": true, "by": true, "в": true, "по": true, "и": true}

// certForms are the ways a certificate can be named: its names in both
// languages and its id, each as words, and their short forms (initials of
// the words: "CSE" for Cloud service engineer).
func certForms(c *eligibility.Certificate) (names [][]string, short []string) {
	for _, n := range []string{c.Name.Get("en"), c.Name.Get("ru"), strings.ReplaceAll(c.ID, "_", " ")} {
		w := certWords(n)
		if len(w) == 0 {
			continue
		}
		names = append(names, w)
		var b strings.Builder
		for _, x := range w {
			if !certStopWords[x] {
				r := []rune(x)
				b.WriteRune(r[0])
			}
		}
		if abbr := b.String(); len([]rune(abbr)) >= 2 {
			short = append(short, abbr)
		}
	}
	return names, short
}

// matchCert finds the certificates one typed item names: exactly by a name
// or short form, else by words that each begin a word of one name
// ("infrastructure protection", «защита инфраструктуры»).
func matchCert(c *eligibility.Catalog, item string) []*eligibility.Certificate {
	typed := certWords(item)
	if len(typed) == 0 {
		return nil
	}
	joined := strings.Join(typed, " ")
	var exact, partial []*eligibility.Certificate
	for _, cert := range c.Certificates {
		names, short := certForms(cert)
		if len(typed) == 1 && slices.Contains(short, typed[0]) {
			exact = append(exact, cert)
			continue
		}
		for _, n := range names {
			if strings.Join(n, " ") == joined {
				exact = append(exact, cert)
				break
			}
			if wordsBegin(typed, n) {
				partial = append(partial, cert)
				break
			}
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
}

// wordsBegin reports whether every typed word begins a distinct word of name.
func wordsBegin(typed, name []string) bool {
	used := make([]bool, len(name))
	for _, w := range typed {
		if len([]rune(w)) < 3 && !slices.Contains(name, w) {
			return false
		}
		found := false
		for i, n := range name {
			if !used[i] && strings.HasPrefix(n, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// certSeparators split a typed list of certificates.
var certSeparators = regexp.MustCompile(`\s*[,;+]\s*|\s+(?:и|and|&)\s+`)

// parseCerts reads a typed list of certificates. bad holds the items that
// name no certificate, or more than one.
func parseCerts(c *eligibility.Catalog, txt string) (ids []string, bad []string) {
	ids, _, bad = parseCertsEarned(c, txt)
	return ids, bad
}

// certMonth is a month after a certificate's name: "2025-04", "04.2025"
// or "04/2025".
var certMonth = regexp.MustCompile(`\s+(?:(\d{4})-(\d{1,2})|(\d{1,2})[./](\d{4}))$`)

// parseCertsEarned is parseCerts where each certificate may be followed by
// the month it was earned ("CSE 2025-04"); the months come back by
// certificate id, as YYYY-MM.
func parseCertsEarned(c *eligibility.Catalog, txt string) (ids []string, earned map[string]string, bad []string) {
	for _, item := range certSeparators.Split(strings.TrimSpace(txt), -1) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		month := ""
		if m := certMonth.FindStringSubmatch(item); m != nil {
			y, mo := m[1], m[2]
			if y == "" {
				y, mo = m[4], m[3]
			}
			if n, err := strconv.Atoi(mo); err == nil && n >= 1 && n <= 12 {
				month = fmt.Sprintf("%s-%02d", y, n)
				item = strings.TrimSpace(item[:len(item)-len(m[0])])
			}
		}
		found := matchCert(c, item)
		if len(found) != 1 {
			bad = append(bad, item)
			continue
		}
		if !slices.Contains(ids, found[0].ID) {
			ids = append(ids, found[0].ID)
		}
		if month != "" {
			if earned == nil {
				earned = map[string]string{}
			}
			earned[found[0].ID] = month
		}
	}
	return ids, earned, bad
}

// noCerts reports whether a typed list says the employee holds none.
func noCerts(txt string) bool {
	switch normalizeTyped(txt) {
	case "", "none", "no", "nothing", "нет", "никаких", "ничего", "0":
		return true
	}
	return false
}
