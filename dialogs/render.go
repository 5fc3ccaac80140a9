package dialogs

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/locales"
)

func esc(s string) string { return html.EscapeString(s) }

// topBullet starts each condition of a specialization not met.
const topBullet = "  • "

// statusIcon marks a verdict.
func statusIcon(s eligibility.Status) string {
	switch s {
	case eligibility.Eligible:
		return "✅"
	case eligibility.NotEligible:
		return "❌"
	}
	return "❔"
}

// reportWriter renders a report in one language. It reads nothing but the
// report: a report decoded from storage renders as it did when evaluated.
type reportWriter struct {
	r    *eligibility.Report
	p    *locales.Printer
	lang string
	b    strings.Builder
	// steps say what to do about the gaps, sources where the unknown
	// figures are found: each written once, after the specializations.
	steps, sources []string
}

// RenderReport writes the verdict for the given specializations (all when
// specs is empty) as HTML: per specialization its verdict and every gap in
// plain words, then the qualification window.
func RenderReport(r eligibility.Report, specs []string, lang string) string {
	return renderReport(r, specs, lang, true)
}

// renderReport writes the report, with the block of next steps when steps is set.
func renderReport(r eligibility.Report, specs []string, lang string, steps bool) string {
	w := &reportWriter{r: &r, p: locales.For(lang), lang: lang}
	w.b.WriteString("<b>" + w.p.T("report.title") + "</b>\n")
	for _, res := range r.Results {
		if len(specs) > 0 && !contains(specs, res.Specialization) {
			continue
		}
		w.b.WriteString("\n")
		w.result(res)
	}
	for _, l := range r.Lapsed {
		w.b.WriteString("\n⏳ " + w.p.T("report.cert_lapsed", "Employee", esc(l.Employee), "Cert", esc(w.certName(l.Cert)),
			"Until", esc(w.month(l.Until)), "Opens", w.date(r.Window.Opens)) + "\n")
	}
	if steps && len(w.steps)+len(w.sources) > 0 {
		w.b.WriteString("\n<b>" + w.p.T("report.next_steps") + "</b>\n")
		for _, step := range w.steps {
			w.b.WriteString("👉 " + esc(step) + "\n")
		}
		for _, src := range w.sources {
			w.b.WriteString("🔎 " + esc(src) + "\n")
		}
	}
	w.b.WriteString("\n" + w.window(r.Window))
	if wait := w.waits(r, specs); wait != "" {
		w.b.WriteString("\n" + wait)
	}
	return strings.TrimRight(w.b.String(), "\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (w *reportWriter) specName(id string) string {
	if res, ok := w.r.Result(id); ok && len(res.Name) > 0 {
		return res.Name.Get(w.lang)
	}
	return id
}

func (w *reportWriter) levelName(spec, level string) string {
	if res, ok := w.r.Result(spec); ok {
		return res.LevelName(level, w.lang)
	}
	return level
}

func (w *reportWriter) result(res eligibility.Result) {
	name := "<b>" + esc(w.specName(res.Specialization)) + "</b>"
	gaps := int64(res.GapCount())
	switch {
	case res.Level != "" && res.Target != "":
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name,
			w.p.T("report.level_reached_next", "Level", esc(w.levelName(res.Specialization, res.Level)), "Next", esc(w.levelName(res.Specialization, res.Target))))
	case res.Level != "":
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name,
			w.p.T("report.level_reached", "Level", esc(w.levelName(res.Specialization, res.Level))))
		w.evidence(res.Conditions)
		return
	case res.Status == eligibility.Eligible:
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name, w.p.T("report.status.eligible"))
		w.evidence(res.Conditions)
		return
	case res.Status == eligibility.NotEligible:
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name, w.p.N("report.status.not_eligible", gaps))
	case res.Levelled() && res.Target != "":
		// Nothing known stands in the way of the target level.
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name,
			w.p.T("report.status.within_reach", "Level", esc(w.levelName(res.Specialization, res.Target))))
	default:
		fmt.Fprintf(&w.b, "%s %s — %s\n", statusIcon(res.Status), name, w.p.T("report.status.incomplete"))
	}
	if res.Target != "" && res.Level == "" && len(res.Levels) > 0 && res.Status != eligibility.Incomplete {
		fmt.Fprintf(&w.b, "  %s\n", w.p.T("report.for_level", "Level", esc(w.levelName(res.Specialization, res.Target))))
	}
	var unknown []string
	for _, cr := range res.Ahead() {
		w.gap(cr, topBullet, &unknown)
	}
	if len(unknown) > 0 {
		fmt.Fprintf(&w.b, "  ❔ %s\n", w.p.T("report.unknown", "List", esc(strings.Join(unknown, "; "))))
	}
}

// metBullet starts each condition met, with its evidence.
const metBullet = "  ✅ "

// evidence writes a line per condition met, with what counted: the amount
// or count against its threshold, who fills which role, the state given.
func (w *reportWriter) evidence(cs []eligibility.ConditionResult) {
	for _, cr := range cs {
		if cr.Status == eligibility.Met {
			w.b.WriteString(metBullet + w.metLine(cr) + "\n")
		}
	}
}

// metLine says why one condition is met.
func (w *reportWriter) metLine(cr eligibility.ConditionResult) string {
	n := esc(cr.Name.Get(w.lang))
	switch {
	case len(cr.Children) > 0:
		var parts []string
		for _, k := range cr.Children {
			if k.Status != eligibility.Met {
				continue
			}
			if cr.Mode == "any" {
				return w.metLine(k) // the alternative that counted
			}
			parts = append(parts, w.metLine(k))
		}
		if len(parts) == 0 || (len(parts) == 1 && parts[0] == n) {
			return n
		}
		return w.p.T("report.met.list", "Name", n, "List", strings.Join(parts, "; "))
	case len(cr.Roles) > 0:
		parts := make([]string, 0, len(cr.Roles))
		for _, r := range cr.Roles {
			if r.Filled {
				parts = append(parts, w.p.T("report.met.role", "Role", esc(r.Name.Get(w.lang)), "Employee", esc(r.Employee)))
			}
		}
		if len(parts) == 0 {
			return n
		}
		return w.p.T("report.met.list", "Name", n, "List", strings.Join(parts, ", "))
	case cr.Need > 0 && cr.Threshold != nil:
		return w.p.N("report.met.count_keys", int64(len(cr.Qualified)), "Name", n, "Have", len(cr.Qualified),
			"Threshold", w.p.Money(*cr.Threshold), "Need", cr.Need)
	case cr.Threshold != nil && cr.Actual != nil:
		format := w.p.Number
		if cr.Money {
			format = w.p.Money
		}
		id := "report.met.at_least"
		if cr.Exceeds {
			id = "report.met.exceeds"
		}
		return w.p.T(id, "Name", n, "Actual", format(*cr.Actual), "Threshold", format(*cr.Threshold))
	case cr.Want != "":
		return w.p.T("report.met.list", "Name", n, "List", esc(nameOr(cr.StateName, cr.State, w.lang)))
	}
	return n
}

// gap writes what is missing for one condition; unknown conditions are
// collected by name instead.
func (w *reportWriter) gap(cr eligibility.ConditionResult, bullet string, unknown *[]string) {
	g := cr.Gap
	if cr.Status == eligibility.Met || g == nil {
		return
	}
	n := esc(cr.Name.Get(w.lang))
	if cr.Status == eligibility.Unknown && g.Kind != eligibility.GapAll {
		*unknown = append(*unknown, cr.Name.Get(w.lang))
		if src := g.Source.Get(w.lang); src != "" && !contains(w.sources, src) {
			w.sources = append(w.sources, src)
		}
		return
	}
	switch g.Kind {
	case eligibility.GapYesNo:
		fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.T("report.gap.bool", "Name", n))
	case eligibility.GapAmount, eligibility.GapCount:
		w.thresholdGap(g, bullet, n)
	case eligibility.GapState:
		fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.T("report.gap.enum", "Name", n,
			"State", esc(nameOr(g.StateName, g.State, w.lang)), "Want", esc(nameOr(g.WantName, g.Want, w.lang))))
	case eligibility.GapServices:
		fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.N("report.gap.count_keys", int64(g.Need), "Name", n,
			"Threshold", w.p.Money(g.Threshold), "Have", g.Have))
	case eligibility.GapRoles:
		w.rolesGap(g, bullet, n)
	case eligibility.GapAlternatives:
		fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.T("report.gap.any", "Name", n))
		for _, k := range g.Alternatives {
			if k.Gap != nil && k.Gap.Kind == eligibility.GapAll {
				// An alternative of several conditions (a track): name
				// it, then what it lacks beneath it.
				fmt.Fprintf(&w.b, "      ◦ %s:\n", esc(k.Name.Get(w.lang)))
				for _, kk := range k.Gap.Alternatives {
					w.gap(kk, "          – ", unknown)
				}
				continue
			}
			w.gap(k, "      ◦ ", unknown)
		}
		return
	case eligibility.GapAll:
		for _, k := range g.Alternatives {
			w.gap(k, bullet, unknown)
		}
		return
	}
	if step := g.NextStep.Get(w.lang); step != "" && !contains(w.steps, step) {
		w.steps = append(w.steps, step)
	}
}

// nameOr is a catalogue name in lang, or the id when the report has none.
func nameOr(t eligibility.Text, id, lang string) string {
	if s := t.Get(lang); s != "" {
		return s
	}
	return id
}

func (w *reportWriter) thresholdGap(g *eligibility.Gap, bullet, name string) {
	money := g.Kind == eligibility.GapAmount
	format := w.p.Number
	if money {
		format = w.p.Money
	}
	actual := g.Actual
	id := "report.gap.at_least"
	if g.Exceeds {
		id = "report.gap.exceeds"
	}
	if !money {
		id += "_count"
	}
	fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.N(id, g.Short, "Name", name,
		"Short", format(g.Short), "Threshold", format(g.Threshold), "Actual", format(actual)))
	if money && g.Threshold > 0 {
		// "Exceeding N" is met from N+1: the bar counts towards that, so
		// that an amount equal to N never reads "N of N".
		need := g.Threshold
		if g.Exceeds {
			need++
		}
		fmt.Fprintf(&w.b, "%s\n", indent(bullet)+w.bar(actual, need, g.Short > 0))
	}
}

// bar draws progress towards an amount: "▓▓▓▓▓▓▓▓▓░ 96% · ₽11.5M of ₽12M".
// A condition still short never shows a full bar or 100%, even when the
// amount equals a threshold that must be exceeded.
func (w *reportWriter) bar(actual, threshold int64, short bool) string {
	a, t := actual, threshold
	for a > (math.MaxInt64-t)/100 { // a catalogue without a max: keep a*100 in range
		a, t = a/10, max(t/10, 1)
	}
	filled := min(a*10/t, 10)
	pct := min((a*100+t/2)/t, 100)
	if short {
		pct, filled = min(pct, 99), min(filled, 9)
	}
	// A short amount never reads as the threshold: when the compact forms
	// would round to the same figure (₽12M of ₽12M) or within half a
	// percent of it, the amounts are written in full.
	a1, t1 := w.p.MoneyShort(actual), w.p.MoneyShort(threshold)
	if short && (a1 == t1 || (threshold-actual) < threshold/200+1) {
		a1, t1 = w.p.Money(actual), w.p.Money(threshold)
	}
	return "<code>" + strings.Repeat("▓", int(filled)) + strings.Repeat("░", 10-int(filled)) + "</code> " +
		w.p.T("report.bar", "Percent", pct, "Actual", a1, "Threshold", t1)
}

func indent(bullet string) string { return strings.Repeat(" ", len([]rune(bullet))+1) }

func (w *reportWriter) rolesGap(g *eligibility.Gap, bullet, name string) {
	// Several open roles are one condition: one bullet, a line per role,
	// so that the headline's count equals the bullets under it.
	several := len(g.Roles) > 1 && bullet == topBullet
	if several {
		fmt.Fprintf(&w.b, "%s%s:\n", bullet, name)
		bullet = "      ◦ "
	}
	for _, r := range g.Roles {
		role := r.Name.Get(w.lang)
		var needs string
		switch {
		case len(r.AllOf) > 0 && len(r.AnyOf) > 0:
			needs = w.p.T("report.certs.all_and_any", "All", w.certList(r.AllOf, "and"), "Any", w.certList(r.AnyOf, "or"))
		case len(r.AnyOf) > 0:
			needs = w.certList(r.AnyOf, "or")
		default:
			needs = w.certList(r.AllOf, "and")
		}
		certs := int64(len(r.AllOf))
		if len(r.AnyOf) > 0 {
			certs++ // "A or B" is one certificate to hold
		}
		if several {
			fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.N("report.gap.role_only", certs, "Role", esc(role), "Certs", needs))
		} else {
			fmt.Fprintf(&w.b, "%s%s\n", bullet, w.p.N("report.gap.role", certs, "Name", name, "Role", esc(role), "Certs", needs))
		}
		if r.Closest != "" && len(r.Lacks) > 0 {
			fmt.Fprintf(&w.b, "%s%s\n", indent(bullet), w.p.T("report.gap.closest", "Employee", esc(r.Closest), "Certs", w.lackList(r)))
		}
		lacks := r.Lacks
		if r.Closest == "" || len(lacks) == 0 {
			lacks = append(append([]string{}, r.AllOf...), r.AnyOf...)
		}
		var links []string
		for _, id := range lacks {
			if cert, ok := w.r.Certificates[id]; ok && cert.URL != "" {
				links = append(links, fmt.Sprintf(`<a href="%s">%s</a>`, esc(cert.URL), esc(cert.Name.Get(w.lang))))
			}
		}
		if len(links) > 0 {
			fmt.Fprintf(&w.b, "%s📚 %s\n", indent(bullet), w.p.T("report.courses", "Links", strings.Join(links, ", ")))
		}
	}
}

// lackList names what the closest employee lacks: the missing AllOf
// certificates, and AnyOf as alternatives.
func (w *reportWriter) lackList(r eligibility.RoleResult) string {
	var all, anyOf []string
	for _, id := range r.Lacks {
		if contains(r.AnyOf, id) {
			anyOf = append(anyOf, id)
		} else {
			all = append(all, id)
		}
	}
	switch {
	case len(all) > 0 && len(anyOf) > 0:
		return w.p.T("report.certs.all_and_any", "All", w.certList(all, "and"), "Any", w.certList(anyOf, "or"))
	case len(anyOf) > 0:
		return w.certList(anyOf, "or")
	}
	return w.certList(all, "and")
}

// certList joins certificate names: "A, B and C" or "A or B".
func (w *reportWriter) certList(ids []string, conj string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if cert, ok := w.r.Certificates[id]; ok {
			names = append(names, esc(cert.Name.Get(w.lang)))
		} else {
			names = append(names, esc(id))
		}
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + w.p.T("word."+conj) + " " + names[len(names)-1]
}

// window writes the calendar line.
func (w *reportWriter) window(win eligibility.WindowInfo) string {
	if win.Opens == "" {
		return ""
	}
	var line string
	if win.Open {
		line = "🗓 " + w.p.N("report.window.open", int64(win.DaysLeft), "Month", w.p.T(fmt.Sprintf("month.%d.name", win.Month)), "Closes", w.date(win.Closes))
	} else {
		line = "🗓 " + w.p.N("report.window.next", int64(win.DaysUntil), "Month", w.p.T(fmt.Sprintf("month.%d.name", win.Month)), "Opens", w.date(win.Opens))
	}
	if len(win.Levels) > 0 {
		// A window that grants only some levels (a fast track) says which.
		names := make([]string, len(win.Levels))
		for i, l := range win.Levels {
			names[i] = esc(l)
			if i < len(win.LevelNames) {
				names[i] = esc(nameOr(win.LevelNames[i], l, w.lang))
			}
		}
		line += " " + w.p.T("report.window.levels", "Levels", strings.Join(names, ", "))
	}
	return line
}

// waits says which levels aimed at the next window does not grant (the
// October fast track grants Professional only): they wait for a window
// that grants them.
func (w *reportWriter) waits(r eligibility.Report, specs []string) string {
	win := r.Window
	if win.Open || len(win.Levels) == 0 {
		return ""
	}
	var items []string
	for _, res := range r.Results {
		if len(specs) > 0 && !contains(specs, res.Specialization) || res.Target == "" || contains(win.Levels, res.Target) {
			continue
		}
		items = append(items, esc(w.specName(res.Specialization))+" — "+esc(w.levelName(res.Specialization, res.Target)))
	}
	if len(items) == 0 {
		return ""
	}
	return "⏳ " + w.p.T("report.window.waits", "Month", w.p.T(fmt.Sprintf("month.%d.name", win.Month)), "List", strings.Join(items, ", "))
}

// date writes YYYY-MM-DD as "1 April 2027" / "1 апреля 2027".
func (w *reportWriter) date(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return w.p.T("date.format", "Day", d.Day(), "Month", w.p.T(fmt.Sprintf("month.%d.of", int(d.Month()))), "Year", d.Year())
}

// verdictMessage is the verdict with the nudge and the buttons to act on it.
func (e *Engine) verdictMessage(lang string, r eligibility.Report, specs []string, prev *Past, contact bool) Message {
	p := locales.For(lang)
	text := RenderReport(r, specs, lang)
	if len([]rune(text)) > 3500 {
		// A verdict over many specializations and employees must still fit
		// one Telegram message with its closing lines: the next steps go.
		text = renderReport(r, specs, lang, false)
	}
	if prev != nil {
		text += "\n\n" + changes(prev.Report, r, commonSpecs(prev.Specs, specs), lang)
	}
	w := &reportWriter{r: &r, p: p, lang: lang}
	var eligible []string
	for _, res := range r.Results {
		if contains(specs, res.Specialization) && res.Status == eligibility.Eligible {
			eligible = append(eligible, esc(w.specName(res.Specialization)))
		}
	}
	switch {
	case len(eligible) > 0 && r.Window.Open:
		// During an open window the closing line says to apply in it.
		text += "\n\n👉 " + p.T("report.nudge.eligible_open", "Specs", strings.Join(eligible, ", "))
	case len(eligible) > 0:
		text += "\n\n👉 " + p.T("report.nudge.eligible")
	default:
		text += "\n\n👉 " + p.T("report.nudge.gaps")
	}
	text += "\n\nℹ️ " + p.T("report.preliminary")
	if e.Contact != "" {
		text += "\n" + p.T("report.contact_team", "Contact", esc(e.Contact))
	}
	buttons := [][]Button{
		{{Label: p.T("button.contact"), Data: cbContact}},
		{{Label: p.T("button.check_again"), Data: cbCheck}},
	}
	buttons = append(buttons, e.webAppRow(p)...)
	return Message{Text: text, Buttons: buttons, Keep: true}
}

// checkedLine says when a stored verdict was checked and for which company.
func (e *Engine) checkedLine(lang string, past *Past, company string) string {
	p := locales.For(lang)
	w := &reportWriter{r: &past.Report, p: p, lang: lang}
	date := w.date(past.At.In(e.Now().Location()).Format(time.DateOnly))
	if company == "" {
		return "📄 " + p.T("report.checked_on", "Date", date)
	}
	return "📄 " + p.T("report.checked_for", "Date", date, "Company", esc(company))
}

// commonSpecs are the specializations checked both times.
func commonSpecs(prev, cur []string) []string {
	var out []string
	for _, s := range cur {
		if contains(prev, s) {
			out = append(out, s)
		}
	}
	return out
}

// changes lists what moved since the previous check, for the
// specializations checked both times: statuses, amounts and counts,
// interview states and who fills the roles.
func changes(prev, cur eligibility.Report, specs []string, lang string) string {
	w := &reportWriter{r: &cur, p: locales.For(lang), lang: lang}
	var lines []string
	for _, res := range cur.Results {
		if !contains(specs, res.Specialization) {
			continue
		}
		old, ok := prev.Result(res.Specialization)
		if !ok {
			continue
		}
		if old.Status != res.Status || old.Level != res.Level {
			lines = append(lines, fmt.Sprintf("%s: %s → %s", esc(w.specName(res.Specialization)), statusIcon(old.Status), statusIcon(res.Status)))
		}
		for _, cr := range res.Conditions {
			for _, oc := range old.Conditions {
				if oc.ID != cr.ID {
					continue
				}
				if cr.State != oc.State && cr.Want != "" {
					lines = append(lines, fmt.Sprintf("%s · %s: %s → %s", esc(w.specName(res.Specialization)), esc(cr.Name.Get(lang)),
						esc(nameOr(oc.StateName, "—", lang)), esc(nameOr(cr.StateName, "—", lang))))
					continue
				}
				if len(cr.Roles) > 0 && rolesLine(oc.Roles) != rolesLine(cr.Roles) {
					lines = append(lines, fmt.Sprintf("%s · %s: %s → %s", esc(w.specName(res.Specialization)), esc(cr.Name.Get(lang)),
						esc(rolesLine(oc.Roles)), esc(rolesLine(cr.Roles))))
					continue
				}
				if cr.Actual == nil || oc.Actual == nil || *oc.Actual == *cr.Actual {
					continue
				}
				format := w.p.Number
				if cr.Money {
					format = w.p.MoneyShort
					if w.p.MoneyShort(*oc.Actual) == w.p.MoneyShort(*cr.Actual) {
						format = w.p.Money // a change the compact form would hide
					}
				}
				lines = append(lines, fmt.Sprintf("%s · %s: %s → %s", esc(w.specName(res.Specialization)),
					esc(cr.Name.Get(lang)), format(*oc.Actual), format(*cr.Actual)))
			}
		}
	}
	if len(lines) == 0 {
		return w.p.T("report.changes.none")
	}
	return "<b>" + w.p.T("report.changes.title") + "</b>\n" + strings.Join(lines, "\n")
}

// rolesLine names who fills each role, "—" for a role open.
func rolesLine(roles []eligibility.RoleResult) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = "—"
		if r.Filled {
			names[i] = r.Employee
		}
	}
	return strings.Join(names, ", ")
}

var (
	linkRE = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)
	tagRE  = regexp.MustCompile(`</?(b|i|code|u|s|pre)>`)
)

// PlainText turns the HTML of a message into text for a terminal: tags
// dropped, links written as "name (url)", entities unescaped.
func PlainText(s string) string {
	s = linkRE.ReplaceAllString(s, "$2 ($1)")
	s = tagRE.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// certName is a certificate's name in the report's language, its id when
// the report does not name it.
func (w *reportWriter) certName(id string) string {
	if cert, ok := w.r.Certificates[id]; ok {
		return cert.Name.Get(w.lang)
	}
	return id
}

// month writes "2027-03" as "March 2027".
func (w *reportWriter) month(ym string) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return ym
	}
	return w.p.T(fmt.Sprintf("month.%d.of", int(t.Month()))) + " " + strconv.Itoa(t.Year())
}
