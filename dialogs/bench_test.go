package dialogs

import (
	"testing"
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
