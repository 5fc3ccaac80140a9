package dialogs

import (
	"testing"

	"specbot/eligibility"
)

// BenchmarkEngineStep measures one Handle call in the middle of a check:
// the consumption of Infrastructure typed, the interview asked next. The
// answer is the same every time, so the session the engine writes into (it
// shares the maps of the session it is given) stays as it was.
func BenchmarkEngineStep(b *testing.B) {
	u := uiEN
	d := newDriver(b, u.lang)
	d.play(infraScript(u, "Acme", "12 000 000", u.passed)[:7]...)
	s, env := d.s, d.env
	in := Input{Text: "12 000 000"}
	if out := d.e.Handle(s, in, env); out.Session.Key != "f:architect_interview.infrastructure" {
		b.Fatalf("the step does not move to the interview:\n%s", dump(out.Messages))
	}
	b.ReportAllocs()
	for b.Loop() {
		d.e.Handle(s, in, env)
	}
}

// BenchmarkEngineVerdict measures the heaviest step: the verdict of a check
// of every specialization, rendered.
func BenchmarkEngineVerdict(b *testing.B) {
	u := uiEN
	d := newDriver(b, u.lang)
	d.play(press(u.startCheck), typ("Acme"), press(u.all))
	for d.s.State == Checking {
		d.press(u.unknown)
	}
	s, env := d.s, d.env
	in := Input{Button: d.find(u.verdict).Data}
	b.ReportAllocs()
	for b.Loop() {
		if out := d.e.Handle(s, in, env); out.Report == nil {
			b.Fatal("no verdict")
		}
	}
}

// BenchmarkDecodeSession measures reading a stored session of a check near
// its end (two specializations, two employees), as every turn does.
func BenchmarkDecodeSession(b *testing.B) {
	data := []byte(`{"v":1,"lang":"en","company":"ACME","specs":["infrastructure","devops"],` +
		`"answered":{"company":true,"employees":true,"f:architect_interview.devops":true,"f:architect_interview.infrastructure":true,` +
		`"f:business_plan":true,"f:consumption_rub_year.devops":true,"f:consumption_rub_year.infrastructure":true,` +
		`"f:partner_agreement":true,"f:verified_solutions.devops":true,"f:verified_solutions.infrastructure":true,"specs":true},` +
		`"seq":18,"tap":"17:go","checks":1,"facts":{"architect_interview":{"devops":"scheduled","infrastructure":"passed"},` +
		`"business_plan":true,"consumption_rub_year":{"devops":1500000,"infrastructure":12500000},` +
		`"employees":[{"name":"Anna","certs":["cloud_service_engineer","infrastructure_protection"]},{"name":"Oleg","certs":["cloud_service_engineer"]}],` +
		`"partner_agreement":true,"verified_solutions":{"devops":1,"infrastructure":2}},"base":{"partner_agreement":true}}`)
	c := eligibility.DefaultCatalog()
	if _, err := DecodeSession(c, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeSession(c, data); err != nil {
			b.Fatal(err)
		}
	}
}
