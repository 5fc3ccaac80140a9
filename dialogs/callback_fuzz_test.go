package dialogs

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"specbot/eligibility"
)

// FuzzCallback feeds arbitrary payloads to parseCallback, the decoder of
// every button press (a forged client can send any callback data). Its seed
// corpus is every payload the engine emits over a set of whole
// conversations, walked before fuzzing; the walk itself checks that each of
// them fits Telegram's 64 bytes and decodes to what the bot wrote.
//
//	go test ./dialogs -run '^$' -fuzz '^FuzzCallback$' -fuzztime 60s
func FuzzCallback(f *testing.F) {
	for _, data := range fzEmittedPayloads(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data string) {
		cb, ok := parseCallback(data)
		if !ok {
			if cb != (callback{}) {
				t.Fatalf("%q: rejected but decoded to %+v", data, cb)
			}
			return
		}
		if len(data) == 0 || len(data) > MaxCallbackData {
			t.Fatalf("%q: accepted a payload of %d bytes (Telegram allows 1..%d)", data, len(data), MaxCallbackData)
		}
		if cb.global != "" {
			if cb.global != data || !strings.HasPrefix(data, cbGlobal) || cb.seq != 0 || cb.act != "" || cb.arg != "" {
				t.Fatalf("%q: global payload decoded to %+v", data, cb)
			}
			return
		}
		if strings.HasPrefix(data, cbGlobal) {
			t.Fatalf("%q: a %q payload decoded as a question button %+v", data, cbGlobal, cb)
		}
		if cb.seq < 0 || cb.act == "" || strings.Contains(cb.act, ":") {
			t.Fatalf("%q: accepted a malformed question payload %+v", data, cb)
		}
		// Re-encoding what was decoded gives a payload that decodes to the
		// same button, and is exactly the payload: the bot writes nothing
		// else, so anything else was not written by the bot.
		enc := fzEncode(cb)
		back, ok := parseCallback(enc)
		if !ok || back != cb {
			t.Fatalf("%q → %+v → %q → %+v, %v", data, cb, enc, back, ok)
		}
		if enc != data {
			t.Fatalf("%q accepted as %+v, but the bot writes that button as %q: a payload the bot never wrote is accepted", data, cb, enc)
		}
	})
}

// fzEncode writes a decoded question button back with qb.
func fzEncode(cb callback) string {
	if cb.arg == "" {
		return qb(cb.seq, cb.act)
	}
	return qb(cb.seq, cb.act, cb.arg)
}

// fzCheckPayload is the property of every payload the engine emits: at
// most MaxCallbackData bytes, accepted by parseCallback, and for a question
// button, exactly what qb writes for what it decodes to.
func fzCheckPayload(t testing.TB, data, label string) {
	t.Helper()
	if len(data) > MaxCallbackData {
		t.Fatalf("button %q: payload %q is %d bytes (max %d)", label, data, len(data), MaxCallbackData)
	}
	cb, ok := parseCallback(data)
	if !ok {
		t.Fatalf("button %q: the engine emitted payload %q that parseCallback rejects", label, data)
	}
	if cb.global == "" && fzEncode(cb) != data {
		t.Fatalf("button %q: payload %q decodes to %+v, which qb writes as %q", label, data, cb, fzEncode(cb))
	}
}

// fzWalkTexts are the typed answers of the conversation walk: something
// that fits most steps of either catalogue, and some that fit none.
var fzWalkTexts = []string{
	"Acme", "ООО «Ромашка» & <Co>", strings.Repeat("Ж", 200), "1", "0", "3", "12 000 000", "1.5M", "два",
	"100001", "-5", "yes", "нет", "all", "devops, ml", "Anna", strings.Repeat("Щ", 100), "Oleg",
	"passed", "Назначено", "", "   ", "/cancel", "/check", "/start", "/report", "/language", "/help",
	"/reminders", "/manager", "/forget", "/unknown", "да", "no",
}

// fzWalk plays a long pseudo-random conversation on one catalogue and
// language: mostly presses of the latest reply's buttons, sometimes an old
// (stale) button, a typed answer or a command. It calls visit with every
// button emitted and returns how many verdicts the walk reached.
func fzWalk(t testing.TB, e *Engine, lang string, rng *rand.Rand, steps int, visit func(Button)) int {
	t.Helper()
	var (
		s        Session
		env      = Env{NewPartner: true, ContactConfigured: rng.IntN(2) == 0}
		last     []Button // data buttons of the latest reply
		old      []string // every payload emitted so far
		verdicts int
	)
	in := Input{Command: "start", LangCode: lang}
	for range steps {
		out := e.Handle(s, in, env)
		env.NewPartner = false
		last = last[:0]
		for _, m := range out.Messages {
			for _, row := range m.Buttons {
				for _, b := range row {
					visit(b)
					if b.Data != "" {
						last = append(last, b)
						old = append(old, b.Data)
					}
				}
			}
		}
		if out.Report != nil {
			verdicts++
			env.Previous = &Past{Facts: out.Report.Facts, Report: out.Report.Report, Specs: out.Report.Specs, At: e.Now()}
		}
		if out.Reminders != "" {
			env.Reminders = out.Reminders
		}
		if out.Forget {
			env = Env{NewPartner: true, ContactConfigured: env.ContactConfigured}
		}
		s = out.Session

		in = Input{LangCode: lang}
		switch r := rng.IntN(100); {
		case r < 75 && len(last) > 0:
			in.Button = fzWalkPick(rng, last)
		case r < 80 && len(old) > 0:
			in.Button = old[rng.IntN(len(old))]
		default:
			in.Text = fzWalkTexts[rng.IntN(len(fzWalkTexts))]
		}
	}
	return verdicts
}

// fzWalkPick presses a button of the latest reply, leaning forward: Back
// and Cancel are mostly avoided and the verdict, when offered, often taken,
// so that walks reach the end of a check.
func fzWalkPick(rng *rand.Rand, buttons []Button) string {
	for _, b := range buttons {
		if cb, _ := parseCallback(b.Data); cb.act == actVerdict && rng.IntN(3) == 0 {
			return b.Data
		}
	}
	var data string
	for range 4 {
		data = buttons[rng.IntN(len(buttons))].Data
		if cb, _ := parseCallback(data); cb.act != actBack && cb.act != actCancel && cb.act != actEdit {
			break
		}
	}
	return data
}

// fzEmittedPayloads walks conversations on both shipped catalogues in both
// languages, checks every button the engine emits, and returns the
// distinct payloads with a few forged ones.
func fzEmittedPayloads(f *testing.F) []string {
	f.Helper()
	tiered, err := eligibility.LoadCatalog(tieredCatalogFile)
	if err != nil {
		f.Fatal(err)
	}
	now := testNow(f)
	seen := map[string]bool{}
	var out []string
	verdicts := 0
	for _, c := range []*eligibility.Catalog{fzDefaultCatalog(), tiered} {
		e := &Engine{Catalog: c, Now: func() time.Time { return now }}
		for _, lang := range []string{"en", "ru"} {
			for walk := range 3 {
				rng := rand.New(rand.NewPCG(uint64(walk), 7))
				verdicts += fzWalk(f, e, lang, rng, 500, func(b Button) {
					if b.Data == "" && b.URL == "" {
						f.Fatalf("button %q does nothing", b.Label)
					}
					if b.Data == "" {
						return
					}
					fzCheckPayload(f, b.Data, b.Label)
					// One seed per kind of button: the sequence number
					// aside, payloads repeat.
					shape := strings.TrimLeft(b.Data, "0123456789")
					if !seen[shape] {
						seen[shape] = true
						out = append(out, b.Data)
					}
				})
			}
		}
	}
	f.Logf("%d verdicts, %d kinds of payload", verdicts, len(out))
	if verdicts == 0 {
		f.Fatal("no walk reached a verdict: the walk explores too little")
	}
	return out
}
