package dialogs

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"specbot/eligibility"
)

// fzDefaultCatalog parses the embedded catalogue once per process: the
// engine only reads it.
var fzDefaultCatalog = sync.OnceValue(eligibility.DefaultCatalog)

// fzMaxSteps bounds the inputs of one FuzzEngine script.
const fzMaxSteps = 300

// FuzzEngine plays a fuzzed conversation through Engine.Handle the way the
// app does (app/turn.go): the session is encoded after every input
// and decoded again before the next, a completed check comes back as the
// partner's previous report. The script is one input a line:
//
//	l<label>   press the latest reply's button whose label contains <label>
//	p<n>       press the n-th button of the latest reply (any n: modulo)
//	s<n>       press the n-th button ever emitted (mostly stale ones)
//	b<data>    press a button with arbitrary (forged) payload <data>
//	q<act>     press a forged button of the current question:
//	           "<seq>:<act>", e.g. "qk:200000" (a modified client sees seq)
//	c<name> <args>  a command, as the bot passes /name args
//	e<flags>   toggle Env: m = a managers' chat is configured, f = the
//	           previous report is lost
//	t<text>    type a text ("t/start" types a command)
//	<other>    the whole line typed
//
// flags: bit 0 ContactConfigured, bit 1 reminders already chosen "on",
// bit 2 "off". day moves the fixed clock (25 November 2026, Moscow) by
// day%800 days, so windows open and close.
//
// Every input must not panic; every message has text that is valid
// Telegram HTML within 4096 characters; every button has a label and a
// payload of at most 64 bytes that parseCallback accepts (or a URL); the
// session survives Encode → DecodeSession unchanged; no fact is negative;
// every completed check's facts read back as a stored report.
//
//	go test ./dialogs -run '^$' -fuzz '^FuzzEngine$' -fuzztime 60s
func FuzzEngine(f *testing.F) {
	f.Add("en", uint8(0), uint16(0), "c start\nl"+uiEN.startCheck+"\ntAcme\nlAll of them\np0\np0\np0")
	f.Fuzz(func(t *testing.T, lang string, flags uint8, day uint16, script string) {
		now := testNow(t).AddDate(0, 0, int(day%800))
		e := &Engine{Catalog: fzDefaultCatalog(), Now: func() time.Time { return now }}
		fzRun(t, e, lang, flags, script)
	})
}

// fzRun plays a FuzzEngine script against an engine.
func fzRun(t *testing.T, e *Engine, lang string, flags uint8, script string) {
	env := Env{NewPartner: true, ContactConfigured: flags&1 != 0}
	switch {
	case flags&2 != 0:
		env.Reminders = "on"
	case flags&4 != 0:
		env.Reminders = "off"
	}
	var (
		s     Session
		last  []Button // data buttons of the latest reply
		every []string // every payload emitted
		trace []string // the inputs so far, for the failure message
	)
	lines := strings.Split(script, "\n")
	if len(lines) > fzMaxSteps {
		lines = lines[:fzMaxSteps]
	}
	for step, line := range lines {
		// Telegram delivers valid UTF-8 only (the Bot API is JSON).
		line = strings.ToValidUTF8(line, "\uFFFD")
		lang = strings.ToValidUTF8(lang, "\uFFFD")
		in := Input{LangCode: lang}
		op, arg := byte(0), line
		if line != "" {
			op, arg = line[0], line[1:]
		}
		switch op {
		case 'l':
			in.Button = fzPressLabel(last, arg)
		case 'p':
			if len(last) > 0 {
				in.Button = last[fzIndex(arg, len(last))].Data
			} else {
				in.Button = cbCheck
			}
		case 's':
			if len(every) > 0 {
				in.Button = every[fzIndex(arg, len(every))]
			} else {
				in.Button = cbCheck
			}
		case 'b':
			in.Button = arg // "" types nothing instead
		case 'q':
			in.Button = strconv.Itoa(s.Seq) + ":" + arg
		case 'c':
			name, args, _ := strings.Cut(arg, " ")
			in.Command, in.Args = strings.ToLower(name), args
		case 'e':
			if strings.Contains(arg, "m") {
				env.ContactConfigured = !env.ContactConfigured
			}
			if strings.Contains(arg, "f") {
				env.Previous = nil
			}
			continue
		case 't':
			in.Text = arg
		default:
			in.Text = line
		}
		trace = append(trace, fmt.Sprintf("%+v", in))
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("step %d: %s\ninputs:\n  %s", step, fmt.Sprintf(format, args...), strings.Join(trace, "\n  "))
		}

		var out Outcome
		func() {
			defer func() {
				if r := recover(); r != nil {
					fail("Handle panicked: %v", r)
				}
			}()
			out = e.Handle(s, in, env)
		}()
		env.NewPartner = false

		last = last[:0]
		for _, m := range out.Messages {
			fzCheckMessage(fail, m)
			for _, row := range m.Buttons {
				for _, b := range row {
					if b.Data != "" {
						last = append(last, b)
						every = append(every, b.Data)
					}
				}
			}
		}
		fzCheckFacts(fail, "session", out.Session.Facts)
		if s := out.Session; (s.Sub == empCerts || s.Sub == empMonth) && s.Draft == nil {
			fail("ticking certificates with no employee drafted: %+v", s)
		}

		if out.Report != nil {
			fzCheckFacts(fail, "completed check", out.Report.Facts)
			// The bot stores the facts as JSON with the verdicts and reads
			// them back as the previous report (app.App's past).
			data, err := out.Report.Facts.MarshalJSON()
			if err != nil {
				fail("encode the completed facts: %v", err)
			}
			statuses := map[string]string{}
			for _, id := range out.Report.Specs {
				if res, ok := out.Report.Report.Result(id); ok {
					statuses[id] = string(res.Status)
				}
			}
			past, err := e.PastFrom(data, statuses, e.Now())
			if err != nil {
				fail("the completed check cannot be read back: %v\nfacts: %s", err, data)
			}
			env.Previous = past
		}
		if out.Reminders != "" {
			env.Reminders = out.Reminders
		}
		if out.Forget {
			env = Env{NewPartner: true, ContactConfigured: env.ContactConfigured}
		}

		// The bot keeps nothing of a session but its encoding.
		enc, err := out.Session.Encode()
		if err != nil {
			fail("encode the session: %v", err)
		}
		dec, err := DecodeSession(e.Catalog, enc)
		if err != nil {
			fail("the session the engine wrote cannot be resumed: %v\nsession: %s", err, enc)
		}
		enc2, err := dec.Encode()
		if err != nil {
			fail("encode the decoded session: %v", err)
		}
		if !bytes.Equal(enc, enc2) {
			fail("the session changes through Encode → DecodeSession:\nwrote %s\nread  %s", enc, enc2)
		}
		s = dec
	}
}

// fzIndex reads the digits of s as an index into n items, wrapping.
func fzIndex(s string, n int) int {
	i, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || i < 0 {
		i = len(s)
	}
	return i % n
}

// fzPressLabel picks the button whose label contains label (the first one
// when none does, g:chk when there is none).
func fzPressLabel(buttons []Button, label string) string {
	for _, b := range buttons {
		if strings.Contains(b.Label, label) {
			return b.Data
		}
	}
	if len(buttons) > 0 {
		return buttons[0].Data
	}
	return cbCheck
}

// fzCheckMessage is the contract of every outgoing message.
func fzCheckMessage(fail func(string, ...any), m Message) {
	if strings.TrimSpace(m.Text) == "" {
		fail("a message without text: %+v", m)
	}
	if !utf8.ValidString(m.Text) {
		fail("a message that is not UTF-8: %q", m.Text)
	}
	if strings.Contains(m.Text, "<no value>") {
		fail("an unfilled template: %q", m.Text)
	}
	if err := checkTelegramHTML(m.Text); err != nil {
		fail("Telegram would refuse the HTML: %v\n%s", err, m.Text)
	}
	if n := utf8.RuneCountInString(PlainText(m.Text)); n > 4096 {
		fail("a message of %d characters, over Telegram's 4096", n)
	}
	for _, row := range m.Buttons {
		if len(row) == 0 {
			fail("an empty row of buttons: %+v", m)
		}
		for _, b := range row {
			if strings.TrimSpace(b.Label) == "" {
				fail("a button without label: %+v", b)
			}
			switch {
			case b.Data == "" && b.URL == "":
				fail("button %q does nothing", b.Label)
			case b.Data != "" && len(b.Data) > MaxCallbackData:
				fail("button %q: payload %q is %d bytes (max %d)", b.Label, b.Data, len(b.Data), MaxCallbackData)
			case b.Data != "":
				if _, ok := parseCallback(b.Data); !ok {
					fail("button %q: payload %q is rejected by parseCallback", b.Label, b.Data)
				}
			}
		}
	}
}

// fzCheckFacts: no number is negative.
func fzCheckFacts(fail func(string, ...any), what string, f eligibility.Facts) {
	for r, v := range f.Numbers {
		if v < 0 {
			fail("%s: %s = %d, negative", what, r, v)
		}
	}
	for _, emp := range f.Employees {
		if strings.TrimSpace(emp.Name) == "" {
			fail("%s: an employee without a name", what)
		}
	}
}
