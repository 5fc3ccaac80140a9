package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"specbot/bot"
	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// terminalChatID is the chat id the terminal chat uses by default, so that
// quitting and starting again resumes the same conversation.
const terminalChatID = 1

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	chatID := fs.Int64("chat", terminalChatID, "chat id to play (each id is a separate partner)")
	lang := fs.String("lang", "", "language at first contact: en or ru (default from $LANG)")
	if err := fs.Parse(args); err != nil {
		return fail(stderr, exitUsage, "chat: %v", err)
	}
	if *lang == "" {
		*lang = locales.Normalize(getenv("LANG"))
	} else if *lang != "en" && *lang != "ru" {
		return fail(stderr, exitUsage, "chat: --lang: want en or ru, got %q", *lang)
	}
	cfg, err := loadConfig(getenv, nil, nil)
	if err != nil {
		return fail(stderr, exitUsage, "chat: %v", err)
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "chat: %v", err)
	}
	defer db.Close()

	conv := &bot.Conversations{DB: db, Engine: cfg.engine(), ContactConfigured: cfg.ManagersChatID != 0}
	t := &terminal{out: stdout, conv: conv, who: bot.Who{ChatID: *chatID, UserID: *chatID, Name: "terminal", LangCode: *lang}}
	fmt.Fprintf(stdout, "specbot chat: database %s, chat %d. Type an answer, a button's letter, a /command; /quit or Ctrl-D to leave.\n\n", cfg.DB, *chatID)

	first := dialogs.Input{Command: "start", LangCode: *lang}
	if sess, _ := db.Session(ctx, *chatID); sess != nil {
		first = dialogs.Input{Command: "start"} // resumes at the same question
	}
	if err := t.send(ctx, first); err != nil {
		return fail(stderr, exitError, "chat: %v", err)
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for {
		fmt.Fprint(stdout, "> ")
		if !sc.Scan() {
			fmt.Fprintln(stdout)
			return exitOK
		}
		line := strings.TrimSpace(sc.Text())
		if line == "/quit" || line == "/exit" {
			return exitOK
		}
		if err := t.send(ctx, t.input(line)); err != nil {
			return fail(stderr, exitError, "chat: %v", err)
		}
		if ctx.Err() != nil {
			return exitOK
		}
	}
}

// terminal shows dialog messages as text with numbered buttons.
type terminal struct {
	out     io.Writer
	conv    *bot.Conversations
	who     bot.Who
	buttons []dialogs.Button // the numbered buttons on screen
}

// hotkey names the n-th button on screen: a, b, … z, then aa, ab, …
// Letters leave digits free for typed amounts and counts.
func hotkey(n int) string {
	if n < 26 {
		return string(rune('a' + n))
	}
	return hotkey(n/26-1) + hotkey(n%26)
}

// input reads a line: a button's letter presses it, anything else is text.
func (t *terminal) input(line string) dialogs.Input {
	key := strings.ToLower(line)
	for i, b := range t.buttons {
		if hotkey(i) == key && b.Data != "" {
			return dialogs.Input{Button: b.Data}
		}
	}
	if strings.HasPrefix(line, "/") {
		name, args, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
		return dialogs.Input{Command: strings.ToLower(name), Args: args}
	}
	return dialogs.Input{Text: line}
}

func (t *terminal) send(ctx context.Context, in dialogs.Input) error {
	turn, err := t.conv.Handle(ctx, t.who, in, 0)
	if err != nil {
		return err
	}
	out := turn.Outcome
	if out.Notice != "" {
		fmt.Fprintf(t.out, "· %s\n", out.Notice)
	}
	if out.Contact != nil {
		p := locales.For(out.Session.Lang)
		fmt.Fprintf(t.out, "· %s\n", p.T("contact.terminal"))
	}
	var buttons []dialogs.Button
	for _, m := range out.Messages {
		if m.Edit && len(m.Buttons) == 0 {
			continue // the answer echo: the terminal already shows the answer typed
		}
		fmt.Fprintln(t.out, dialogs.PlainText(m.Text))
		for _, row := range m.Buttons {
			var cells []string
			for _, b := range row {
				buttons = append(buttons, b)
				if b.URL != "" {
					cells = append(cells, fmt.Sprintf("%s (%s)", b.Label, b.URL))
					continue
				}
				cells = append(cells, fmt.Sprintf("[%s] %s", hotkey(len(buttons)-1), b.Label))
			}
			fmt.Fprintln(t.out, "  "+strings.Join(cells, "   "))
		}
		fmt.Fprintln(t.out)
	}
	if len(buttons) > 0 {
		t.buttons = buttons
	}
	return nil
}
