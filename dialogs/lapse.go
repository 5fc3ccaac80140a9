package dialogs

import (
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/locales"
)

// ReminderLapse is a warning that a certificate of the register lapses.
const ReminderLapse ReminderKind = "lapse"

// LapseInput is what a lapse warning is made of.
type LapseInput struct {
	Lang     string
	Employee string
	Cert     string   // certificate id
	Lapses   string   // YYYY-MM: from its first day the certificate no longer counts
	Specs    []string // the specializations it would open a gap in
}

// LapseWarning warns a member, before a certificate of its company's
// register lapses, which specializations would no longer be met, and what
// to do about it.
func (e *Engine) LapseWarning(in LapseInput) Message {
	p := locales.For(in.Lang)
	w := &reportWriter{r: &eligibility.Report{}, p: p, lang: in.Lang}
	cert := in.Cert
	if c, ok := e.Catalog.Certificate(in.Cert); ok && len(c.Name) > 0 {
		cert = c.Name.Get(in.Lang)
	}
	names := make([]string, len(in.Specs))
	for i, id := range in.Specs {
		names[i] = id
		if s, ok := e.Catalog.Specialization(id); ok && len(s.Name) > 0 {
			names[i] = s.Name.Get(in.Lang)
		}
		names[i] = esc(names[i])
	}
	date := in.Lapses
	if t, err := time.Parse("2006-01", in.Lapses); err == nil {
		date = w.date(t.Format(time.DateOnly))
	}
	text := "⏳ " + p.T("reminder.lapse", "Employee", esc(in.Employee), "Cert", esc(cert), "Date", date,
		"Specs", strings.Join(names, ", ")) + "\n\n" + p.T("reminder.lapse_renew")
	return Message{Text: text, Buttons: [][]Button{{
		{Label: p.T("button.check_again"), Data: cbCheck},
		{Label: p.T("button.reminders_off"), Data: cbRemindOff},
	}}}
}
