package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// terminalChatID is the chat id the terminal chat uses by default, so that
// quitting and starting again resumes the same conversation.
const terminalChatID = 1

// maxLine is the longest line the terminal reads whole; a longer one is
// answered as an over-long message and skipped.
const maxLine = 64 * 1024

// maxTextRunes is the longest answer the bot reads, in the terminal as in
// Telegram.
const maxTextRunes = 2000

const chatUsage = `usage: specbot chat [flags]

The same dialogs as the Telegram bot, in the terminal, on the same database
(configured by the environment as for serve: SPECBOT_DB, SPECBOT_RULES, ...).
Type an answer, a button's letter (several letters on one line, "a c d", tick
several boxes), or a /command; /quit or Ctrl-D leaves.

flags:`

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	chatID := fs.Int64("chat", terminalChatID, "chat id to play (each id is a separate partner)")
	lang := fs.String("lang", "", "language, en or ru; when given it wins over the chat's stored language (default: the stored one, else from $LANG)")
	logPath := fs.String("log", "", "file the log lines go to (default specbot-chat.log beside the database)")
	verbose := fs.Bool("verbose", false, "write the log lines to stderr instead of the log file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, chatUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		return fail(stderr, exitUsage, "chat: %v", err)
	}
	langCode := *lang
	if langCode == "" {
		langCode = locales.Normalize(getenv("LANG"))
	} else if langCode != "en" && langCode != "ru" {
		return fail(stderr, exitUsage, "chat: --lang: want en or ru, got %q", langCode)
	}
	cfg, err := loadConfig(getenv, nil, nil)
	if err != nil {
		return fail(stderr, exitUsage, "chat: %v", err)
	}
	// Log lines never land in the middle of the conversation on screen.
	logOut := stderr
	if !*verbose {
		path := *logPath
		if path == "" {
			path = filepath.Join(filepath.Dir(cfg.DB), "specbot-chat.log")
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fail(stderr, exitUsage, "chat: --log: %v", err)
		}
		defer f.Close()
		logOut = f
	}
	logger := slog.New(slog.NewTextHandler(logOut, nil))
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(logger)

	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "chat: %v", err)
	}
	defer db.Close()
	db.Catalog = cfg.Catalog

	conv := &app.App{DB: db, Engine: cfg.engine(), ContactConfigured: cfg.ManagersChatID != 0}
	conv.Log = logger
	t := &terminal{out: stdout, conv: conv, who: app.Who{ChatID: *chatID, UserID: *chatID, Name: "terminal", LangCode: langCode}, lang: langCode}
	fmt.Fprintf(stdout, "specbot chat: database %s, chat %d. Type an answer, a button's letter, a /command; /quit or Ctrl-D to leave.\n\n", cfg.DB, *chatID)

	// At first contact the language comes from --lang or $LANG; later the
	// stored one is kept unless --lang says otherwise.
	first := dialogs.Input{Command: "start", LangCode: langCode, Lang: *lang}
	if err := t.send(ctx, first); err != nil {
		return fail(stderr, exitError, "chat: %v", err)
	}
	in := bufio.NewReaderSize(stdin, 4096)
	for {
		fmt.Fprint(stdout, "> ")
		raw, tooLong, err := readLine(in, maxLine)
		if err != nil && raw == "" && !tooLong {
			fmt.Fprintln(stdout)
			return exitOK
		}
		line := strings.TrimSpace(raw)
		if tooLong || utf8.RuneCountInString(line) > maxTextRunes {
			fmt.Fprintln(stdout, locales.For(t.lang).T("input.too_long"))
			fmt.Fprintln(stdout)
			continue
		}
		if line == "/quit" || line == "/exit" {
			return exitOK
		}
		if err := t.line(ctx, line); err != nil {
			return fail(stderr, exitError, "chat: %v", err)
		}
		if ctx.Err() != nil {
			return exitOK
		}
	}
}

// readLine reads one line without its end. A line longer than max is
// read to its end and dropped: tooLong is set and the line is empty.
func readLine(r *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			b = append(b, chunk...)
			if len(bytes.TrimRight(b, "\r\n")) > max {
				tooLong, b = true, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return "", true, err
		}
		return strings.TrimRight(string(b), "\r\n"), false, err
	}
}

// terminal shows dialog messages as text with numbered buttons.
type terminal struct {
	out     io.Writer
	conv    *app.App
	who     app.Who
	lang    string           // the conversation's language, as last seen
	buttons []dialogs.Button // the numbered buttons on screen
	quiet   bool             // a press whose screen the next one replaces
}

// hotkey names the n-th button on screen: a, b, … z, then aa, ab, …
// Letters leave digits free for typed amounts and counts.
func hotkey(n int) string {
	if n < 26 {
		return string(rune('a' + n))
	}
	return hotkey(n/26-1) + hotkey(n%26)
}

// line handles one line typed: several buttons' letters on one line
// ("a c d") press them one after the other, showing only the last screen.
func (t *terminal) line(ctx context.Context, line string) error {
	keys := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
	if len(keys) < 2 || !t.allHotkeys(keys) {
		return t.send(ctx, t.input(line))
	}
	for i, key := range keys {
		in := t.input(key)
		if in.Button == "" {
			break // the screen changed under the letters left
		}
		t.quiet = i < len(keys)-1
		err := t.send(ctx, in)
		t.quiet = false
		if err != nil {
			return err
		}
	}
	return nil
}

// allHotkeys reports whether every key names a button on screen.
func (t *terminal) allHotkeys(keys []string) bool {
	for _, k := range keys {
		found := false
		for i, b := range t.buttons {
			if hotkey(i) == k && b.Data != "" {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
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
	turn, err := t.conv.Handle(ctx, t.who, in, 0, 0)
	if err != nil {
		return err
	}
	out := turn.Outcome
	t.lang = out.Session.Lang
	var buttons []dialogs.Button
	for _, m := range out.Messages {
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	if len(buttons) > 0 {
		t.buttons = buttons
	}
	if t.quiet {
		return nil
	}
	if out.Notice != "" {
		fmt.Fprintf(t.out, "· %s\n", out.Notice)
	}
	if out.Contact != nil {
		p := locales.For(out.Session.Lang)
		fmt.Fprintf(t.out, "· %s\n", p.T("contact.terminal"))
	}
	n := 0
	for _, m := range out.Messages {
		text := dialogs.PlainText(m.Text)
		if m.Edit && len(m.Buttons) == 0 {
			// What Telegram shows by editing the message answered: the
			// answer recorded, a pause, a deletion. The question itself is
			// on screen already.
			if i := strings.LastIndex(text, "\n\n✔️ "); i >= 0 {
				text = text[i+2:]
			}
			fmt.Fprintln(t.out, text)
			fmt.Fprintln(t.out)
			continue
		}
		fmt.Fprintln(t.out, text)
		for _, row := range m.Buttons {
			var cells []string
			for _, b := range row {
				n++
				if b.URL != "" {
					cells = append(cells, fmt.Sprintf("%s (%s)", b.Label, b.URL))
					continue
				}
				cells = append(cells, fmt.Sprintf("[%s] %s", hotkey(n-1), b.Label))
			}
			fmt.Fprintln(t.out, "  "+strings.Join(cells, "   "))
		}
		fmt.Fprintln(t.out)
	}
	return nil
}
