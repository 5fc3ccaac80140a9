// Command specbot is the Yandex Cloud partner specializations bot: the
// Telegram bot itself (serve), the same dialogs in a terminal (chat), a
// one-shot eligibility check of a facts file (check), the catalogue
// validator (rules validate) and the reminder run for cron (remind).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // windows and reminders need Europe/Moscow on any machine
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // a failure at run time
	exitUsage = 2 // bad input: a flag, a file, a variable
)

const usage = `usage:
  specbot serve                 the Telegram bot (long polling, or webhook when SPECBOT_WEBHOOK_URL is set)
  specbot chat                  the same dialogs in the terminal, same database
  specbot check --facts F.json [--lang en|ru] [--format text|json] [--rules FILE] [--today YYYY-MM-DD]
  specbot rules validate FILE   check a rules catalogue
  specbot remind [--now RFC3339] [--dry-run]   send the reminders due now once`

// Run executes one command line and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr, getenv)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "chat":
		return runChat(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, getenv)
	case "remind":
		return runRemind(ctx, args[1:], stdout, stderr, getenv)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "specbot: unknown command %q\n%s\n", args[0], usage)
	return exitUsage
}

// fail prints a one-line error and returns the status.
func fail(stderr io.Writer, code int, format string, args ...any) int {
	fmt.Fprintf(stderr, "specbot: "+format+"\n", args...)
	return code
}
