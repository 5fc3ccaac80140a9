package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// chatRun runs `specbot chat` with args on the database db, typing input.
func chatRun(t *testing.T, db string, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	env := map[string]string{"SPECBOT_DB": db, "LANG": "en_US.UTF-8"}
	var out, errOut bytes.Buffer
	code = Run(context.Background(), append([]string{"chat"}, args...), strings.NewReader(input), &out, &errOut, func(k string) string { return env[k] })
	return out.String(), errOut.String(), code
}

func TestChatHelpListsItsFlags(t *testing.T) {
	out, _, code := chatRun(t, filepath.Join(t.TempDir(), "s.db"), "", "--help")
	assert.Equal(t, exitOK, code)
	for _, flag := range []string{"-chat", "-lang", "-log", "-verbose", "usage: specbot chat"} {
		assert.Contains(t, out, flag)
	}
}

func TestChatLangWinsOverTheStoredLanguage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	out, _, code := chatRun(t, db, "/quit\n", "--lang", "en")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "Hello!")

	out, _, _ = chatRun(t, db, "/quit\n", "--lang", "ru")
	assert.Contains(t, out, "Здравствуйте", "--lang wins over the stored English")

	out, _, _ = chatRun(t, db, "/quit\n")
	assert.Contains(t, out, "Здравствуйте", "without --lang the stored language stays")
	assert.NotContains(t, out, "Hello!")

	_, errOut, code := chatRun(t, db, "", "--lang", "de")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--lang")
}

// TestChatShowsWhatTelegramEdits: the answer recorded, shown in Telegram
// by editing the question, is printed; several letters tick several boxes.
func TestChatShowsWhatTelegramEdits(t *testing.T) {
	for _, tc := range []struct{ lang, specs, yes string }{
		{"en", "✔️ Specializations: Infrastructure, DevOps", "✔️ Partner agreement signed: Yes"},
		{"ru", "✔️ Специализации: Infrastructure, DevOps", "✔️ Партнёрское соглашение заключено: Да"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "s.db")
			// a: Start the check; the company typed; "a b" ticks two
			// specializations; g: Done; a: Yes.
			out, _, code := chatRun(t, db, "a\nAcme\na b\ng\na\n/quit\n", "--lang", tc.lang)
			require.Equal(t, exitOK, code, out)
			assert.Contains(t, out, tc.specs)
			assert.Contains(t, out, tc.yes)
		})
	}
}

// TestChatOverlongLine: a line over 64 KiB gets the over-long reply and the
// chat goes on.
func TestChatOverlongLine(t *testing.T) {
	for _, tc := range []struct{ lang, tooLong, help string }{
		{"en", "That message is too long for me", "/check"},
		{"ru", "Слишком длинное сообщение", "/check"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "s.db")
			input := strings.Repeat("x", 70*1024) + "\n" + strings.Repeat("y", 2001) + "\n/help\n/quit\n"
			out, _, code := chatRun(t, db, input, "--lang", tc.lang)
			require.Equal(t, exitOK, code)
			assert.Equal(t, 2, strings.Count(out, tc.tooLong), out[:min(len(out), 3000)])
			assert.Contains(t, out[strings.LastIndex(out, tc.tooLong):], tc.help, "the chat goes on")
		})
	}
}

// TestChatLogLinesStayOffTheScreen: a log line (here a session that cannot
// be resumed) goes to the log file, or to stderr with --verbose; never to
// the conversation.
func TestChatLogLinesStayOffTheScreen(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "s.db")
	outdate := func() {
		db, err := store.Open(context.Background(), dbPath)
		require.NoError(t, err)
		db.Catalog = eligibility.DefaultCatalog()
		defer db.Close()
		old := dialogs.Session{Version: 999, Lang: "en", State: dialogs.Checking, Key: "f:business_plan"}
		require.NoError(t, db.SaveTurn(context.Background(), &store.Turn{Partner: store.Partner{ChatID: terminalChatID, Lang: "en"}, Session: &old}))
	}
	outdate()
	out, errOut, code := chatRun(t, dbPath, "/quit\n")
	require.Equal(t, exitOK, code)
	assert.NotContains(t, out, "session reset")
	assert.NotContains(t, errOut, "session reset")
	logged, err := readFile(filepath.Join(dir, "specbot-chat.log"))
	require.NoError(t, err)
	assert.Contains(t, logged, "session reset")

	outdate()
	out, errOut, _ = chatRun(t, dbPath, "/quit\n", "--verbose")
	assert.NotContains(t, out, "session reset")
	assert.Contains(t, errOut, "session reset")
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// TestChatFiveSpecializationsInFewLines: in the terminal too, a partner
// with two certified employees gets the verdict on all five
// specializations in at most 30 inputs (the /start the chat sends counts).
func TestChatFiveSpecializationsInFewLines(t *testing.T) {
	for _, tc := range []struct{ lang, yes, passed, anna, oleg, done, verdict, eligible string }{
		{"en", "yes", "passed", "Anna: CSE, infrastructure protection, compliance", "Oleg: CSE, GitOps, DevSecOps", "done", "verdict", "— eligible"},
		{"ru", "да", "пройдено", "Анна: ИОС, защита инфраструктуры, комплаенс", "Олег: ИОС, GitOps, DevSecOps", "готово", "вердикт", "— условия выполнены"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			lines := []string{"a", "Acme", "all", tc.yes, tc.yes}
			for i := 0; i < 3; i++ {
				lines = append(lines, "2", "12 000 000", tc.passed)
			}
			lines = append(lines, "2", "1", "2", "3", tc.passed, tc.anna, tc.oleg, tc.done, tc.verdict)
			inputs := 1 + len(lines)
			out, _, code := chatRun(t, filepath.Join(t.TempDir(), "s.db"), strings.Join(lines, "\n")+"\n/quit\n", "--lang", tc.lang)
			require.Equal(t, exitOK, code)
			assert.Equal(t, 4, strings.Count(out, tc.eligible), "four of five eligible (Data Platform lacks its employees):\n%s", out[max(0, len(out)-3000):])
			assert.NotContains(t, out, "⚠️", "every line understood")
			t.Logf("%s: %d inputs in the terminal", tc.lang, inputs)
			assert.LessOrEqual(t, inputs, 30)
		})
	}
}
