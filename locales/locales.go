// Package locales holds every user-visible string of specbot in English and
// Russian (active.en.toml, active.ru.toml, embedded) and builds the go-i18n
// bundle, with the number and money formats each language's readers expect.
package locales

import (
	"embed"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Languages the bot speaks, the default first.
var Languages = []string{"en", "ru"}

var bundle = sync.OnceValue(func() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		if _, err := b.LoadMessageFileFS(files, "active."+lang+".toml"); err != nil {
			panic(fmt.Sprintf("locales: %v", err))
		}
	}
	return b
})

// Bundle returns the go-i18n bundle with every language loaded.
func Bundle() *i18n.Bundle { return bundle() }

// Normalize maps a Telegram language_code (or a user's choice) to a language
// the bot speaks: Russian for "ru…", English otherwise.
func Normalize(code string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(code)), "ru") {
		return "ru"
	}
	return "en"
}

// Printer localizes messages for one language.
type Printer struct {
	lang string
	loc  *i18n.Localizer
}

var printers = sync.OnceValue(func() map[string]*Printer {
	m := map[string]*Printer{}
	for _, lang := range Languages {
		m[lang] = &Printer{lang: lang, loc: i18n.NewLocalizer(Bundle(), lang)}
	}
	return m
})

// For returns the printer of a language; an unknown language gets English.
func For(lang string) *Printer {
	return printers()[Normalize(lang)]
}

// Lang is the printer's language code.
func (p *Printer) Lang() string { return p.lang }

// T localizes a message; data fills its template fields. Data given as
// key/value pairs: T("report.window.open", "Date", d).
func (p *Printer) T(id string, kv ...any) string {
	return p.localize(id, nil, kv)
}

// N localizes a message with plural forms chosen by count; the template sees
// the count as {{.Count}}.
func (p *Printer) N(id string, count int64, kv ...any) string {
	return p.localize(id, count, kv)
}

func (p *Printer) localize(id string, count any, kv []any) string {
	var data map[string]any
	if len(kv) > 0 || count != nil {
		data = make(map[string]any, len(kv)/2+1)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
		if count != nil {
			data["Count"] = count
		}
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		// A missing message is a bug caught by the tests; the partner still
		// gets the English text rather than an id or an error.
		slog.Error("localize", "id", id, "lang", p.lang, "err", err)
		if p.lang != "en" {
			return For("en").localize(id, count, kv)
		}
		return ""
	}
	return s
}
