package dialogs

import (
	"strings"

	"specbot/eligibility"
	"specbot/locales"
)

// GapText is what a condition not met lacks, as the report words it, in
// HTML and lang, on one line ("" for a condition met): the headline and
// its alternatives, without the details beneath them (who is closest,
// courses, progress bars). The managers' pipeline and export show it
// beside the partner.
func GapText(r eligibility.Report, cr eligibility.ConditionResult, lang string) string {
	w := &reportWriter{r: &r, p: locales.For(lang), lang: lang}
	var unknown []string
	w.gap(cr, "", &unknown)
	var keep []string
	for _, line := range strings.Split(w.b.String(), "\n") {
		switch {
		case line == "":
		case !strings.HasPrefix(line, " "):
			keep = append(keep, line)
		case strings.HasPrefix(line, alternativeBullet):
			keep = append(keep, "◦ "+strings.TrimPrefix(line, alternativeBullet))
		}
	}
	return strings.Join(keep, "; ")
}

// alternativeBullet starts an alternative of a top-level gap.
const alternativeBullet = "      ◦ "
