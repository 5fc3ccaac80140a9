package locales

import (
	"bytes"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pluralForms are the CLDR forms go-i18n reads from a message table.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// message is one message id of a language file with its forms.
type message map[string]string

// loadMessages parses active.<lang>.toml into message id → forms, the way
// go-i18n flattens nested tables ("report.gap.at_least").
func loadMessages(t *testing.T, lang string) map[string]message {
	t.Helper()
	data, err := files.ReadFile("active." + lang + ".toml")
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, toml.Unmarshal(data, &raw), lang)
	out := map[string]message{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		if _, ok := m["other"].(string); ok {
			msg := message{}
			for k, v := range m {
				s, ok := v.(string)
				require.True(t, ok, "%s.%s of %s is not a string", prefix, k, lang)
				require.Contains(t, pluralForms, k, "%s: unknown form %q in %s", prefix, k, lang)
				msg[k] = s
			}
			out[prefix] = msg
			return
		}
		for k, v := range m {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			sub, ok := v.(map[string]any)
			require.True(t, ok, "%s in %s is neither a message nor a table (no 'other' form?)", id, lang)
			walk(id, sub)
		}
	}
	walk("", raw)
	require.NotEmpty(t, out)
	return out
}

func ids(m map[string]message) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func TestBothLanguagesHoldTheSameMessages(t *testing.T) {
	en, ru := loadMessages(t, "en"), loadMessages(t, "ru")
	assert.Equal(t, ids(en), ids(ru), "every id needs an English and a Russian text")
	assert.Greater(t, len(en), 100)
}

func isPlural(m message) bool { return len(m) > 1 }

func TestPluralFormsAreComplete(t *testing.T) {
	want := map[string][]string{"en": {"one", "other"}, "ru": {"one", "few", "many", "other"}}
	all := map[string]map[string]message{"en": loadMessages(t, "en"), "ru": loadMessages(t, "ru")}
	plural := 0
	for _, id := range ids(all["en"]) {
		isP := isPlural(all["en"][id]) || isPlural(all["ru"][id])
		usesCount := strings.Contains(all["en"][id]["other"], ".Count") || strings.Contains(all["ru"][id]["other"], ".Count")
		if usesCount {
			assert.True(t, isP, "%s shows a count but has no plural forms", id)
		}
		if !isP {
			continue
		}
		plural++
		for lang, forms := range want {
			m, ok := all[lang][id]
			if !assert.True(t, ok, "%s missing in %s", id, lang) {
				continue
			}
			for _, f := range forms {
				assert.NotEmpty(t, strings.TrimSpace(m[f]), "%s: %s form %q is empty or missing", lang, id, f)
			}
		}
	}
	assert.GreaterOrEqual(t, plural, 8, "the plural messages of the reports")
}

var fieldRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)`)

// templateFields lists every {{.Field}} the messages of both files use.
func templateFields(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, lang := range Languages {
		for _, m := range loadMessages(t, lang) {
			for _, s := range m {
				for _, match := range fieldRE.FindAllStringSubmatch(s, -1) {
					seen[match[1]] = true
				}
			}
		}
	}
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// captureLog sends slog's default logger to a buffer for the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func TestEveryMessageLocalizes(t *testing.T) {
	fields := templateFields(t)
	require.Contains(t, fields, "Count")
	require.Contains(t, fields, "Threshold")
	var kv []any
	for _, f := range fields {
		kv = append(kv, f, "‹"+f+"›")
	}
	log := captureLog(t)
	for _, lang := range Languages {
		p := For(lang)
		require.Equal(t, lang, p.Lang())
		msgs := loadMessages(t, lang)
		for _, id := range ids(msgs) {
			check := func(how, got string) {
				t.Helper()
				if !assert.NotEmpty(t, strings.TrimSpace(got), "%s %s %s", lang, id, how) {
					return
				}
				assert.NotContains(t, got, "<no value>", "%s %s %s", lang, id, how)
				assert.NotContains(t, got, "{{", "%s %s %s", lang, id, how)
				for _, m := range fieldRE.FindAllStringSubmatch(msgs[id]["other"], -1) {
					if m[1] != "Count" {
						assert.Contains(t, got, "‹"+m[1]+"›", "%s %s %s: field %s not filled", lang, id, how, m[1])
					}
				}
			}
			check("T", p.T(id, kv...))
			if isPlural(msgs[id]) {
				for n := int64(0); n <= 200; n++ {
					got := p.N(id, n, kv...)
					check("N", got)
					if strings.Contains(msgs[id]["other"], ".Count") {
						assert.Contains(t, got, strings.TrimSpace(p.Number(n)), "%s %s N(%d)", lang, id, n)
					}
				}
			}
		}
	}
	assert.Empty(t, log.String(), "no localization error is logged")
}

func TestRussianPluralsAgree(t *testing.T) {
	ru := For("ru")
	cases := []struct {
		n    int64
		want string
	}{
		{1, "пока нет: не выполнено 1 условие"},
		{2, "пока нет: не выполнено 2 условия"},
		{5, "пока нет: не выполнено 5 условий"},
		{11, "пока нет: не выполнено 11 условий"},
		{21, "пока нет: не выполнено 21 условие"},
		{22, "пока нет: не выполнено 22 условия"},
		{0, "пока нет: не выполнено 0 условий"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, ru.N("report.status.not_eligible", tc.n))
		})
	}
	en := For("en")
	assert.Equal(t, "not yet: 1 condition not met", en.N("report.status.not_eligible", 1))
	assert.Equal(t, "not yet: 2 conditions not met", en.N("report.status.not_eligible", 2))
	assert.Equal(t, "not yet: 0 conditions not met", en.N("report.status.not_eligible", 0))
}

func TestFormats(t *testing.T) {
	cases := []struct {
		name     string
		n        int64
		number   map[string]string
		money    map[string]string
		moneyTop map[string]string
	}{
		{"twelve million", 12_000_000,
			map[string]string{"en": "12,000,000", "ru": "12 000 000"},
			map[string]string{"en": "₽12,000,000", "ru": "12 000 000 ₽"},
			map[string]string{"en": "₽12M", "ru": "12 млн ₽"}},
		{"eleven and a half million", 11_500_000,
			map[string]string{"en": "11,500,000", "ru": "11 500 000"},
			map[string]string{"en": "₽11,500,000", "ru": "11 500 000 ₽"},
			map[string]string{"en": "₽11.5M", "ru": "11,5 млн ₽"}},
		{"half a million", 500_000,
			map[string]string{"en": "500,000", "ru": "500 000"},
			map[string]string{"en": "₽500,000", "ru": "500 000 ₽"},
			map[string]string{"en": "₽500K", "ru": "500 тыс. ₽"}},
		{"a billion and a half", 1_500_000_000,
			map[string]string{"en": "1,500,000,000", "ru": "1 500 000 000"},
			map[string]string{"en": "₽1,500,000,000", "ru": "1 500 000 000 ₽"},
			map[string]string{"en": "₽1.5B", "ru": "1,5 млрд ₽"}},
		{"rounded to a tenth", 1_960_000,
			map[string]string{"en": "1,960,000", "ru": "1 960 000"},
			map[string]string{"en": "₽1,960,000", "ru": "1 960 000 ₽"},
			map[string]string{"en": "₽2M", "ru": "2 млн ₽"}},
		{"under a thousand", 999,
			map[string]string{"en": "999", "ru": "999"},
			map[string]string{"en": "₽999", "ru": "999 ₽"},
			map[string]string{"en": "₽999", "ru": "999 ₽"}},
		{"zero", 0,
			map[string]string{"en": "0", "ru": "0"},
			map[string]string{"en": "₽0", "ru": "0 ₽"},
			map[string]string{"en": "₽0", "ru": "0 ₽"}},
		{"one thousand", 1_000,
			map[string]string{"en": "1,000", "ru": "1 000"},
			map[string]string{"en": "₽1,000", "ru": "1 000 ₽"},
			map[string]string{"en": "₽1K", "ru": "1 тыс. ₽"}},
		{"negative", -1_234_567,
			map[string]string{"en": "-1,234,567", "ru": "-1 234 567"},
			map[string]string{"en": "₽-1,234,567", "ru": "-1 234 567 ₽"},
			nil},
	}
	for _, tc := range cases {
		for _, lang := range Languages {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				p := For(lang)
				assert.Equal(t, tc.number[lang], p.Number(tc.n), "Number")
				assert.Equal(t, tc.money[lang], p.Money(tc.n), "Money")
				if tc.moneyTop != nil {
					assert.Equal(t, tc.moneyTop[lang], p.MoneyShort(tc.n), "MoneyShort")
				}
			})
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ru", "ru"},
		{"ru-RU", "ru"},
		{"RU", "ru"},
		{" ru ", "ru"},
		{"en", "en"},
		{"en-US", "en"},
		{"uk", "en"},
		{"be", "en"},
		{"de", "en"},
		{"", "en"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Normalize(tc.in))
			assert.Equal(t, tc.want, For(tc.in).Lang(), "For speaks the normalized language")
		})
	}
}

func TestMissingMessageIsLoggedNotShown(t *testing.T) {
	log := captureLog(t)
	assert.Empty(t, For("en").T("no.such.message"))
	assert.Empty(t, For("ru").T("no.such.message"))
	assert.Contains(t, log.String(), "no.such.message")
}
