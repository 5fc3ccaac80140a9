package eligibility

// Text is a phrase in several languages, keyed by language code ("en", "ru").
type Text map[string]string

// Get returns the phrase in lang, falling back to English and then to any
// language present, so that a catalogue gap never shows an empty string.
func (t Text) Get(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t["en"]; ok && s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}
