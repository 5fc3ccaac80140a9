// Command specbot is the Yandex Cloud partner specializations bot: the
// Telegram bot itself (serve), the same dialogs in a terminal (chat), a
// one-shot eligibility check of a facts file (check), the catalogue
// validator (rules validate), the reminder run for cron (remind) and a
// consistent copy of the live database (backup).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
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
  specbot rules impact NEW.yaml [--format text|csv]   what a new edition does to stored answers (read-only)
  specbot remind [--now RFC3339] [--dry-run]   send the reminders due now once
  specbot backup --to FILE      a consistent copy of the live database, integrity-checked
  specbot health [--url URL]    probe a running serve (the image's HEALTHCHECK)
  specbot --version             module version and VCS revision

Every command answers --help with its flags.`

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
		if len(args) > 1 && args[1] == "impact" {
			return runRulesImpact(ctx, args[2:], stdout, stderr, getenv)
		}
		return runRules(args[1:], stdout, stderr)
	case "chat":
		return runChat(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, getenv)
	case "remind":
		return runRemind(ctx, args[1:], stdout, stderr, getenv)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr, getenv)
	case "health":
		return runHealth(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, version())
		return exitOK
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

// parseFlags parses args into fs. On -h or --help it prints the command's
// flags to stdout and reports help; the caller then exits 0.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (help bool, err error) {
	fs.SetOutput(io.Discard)
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printFlags(stdout, fs)
		return true, nil
	}
	return false, err
}

// printFlags lists the flags of fs.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: specbot %s [flags]\n\nflags:\n", fs.Name())
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// revision is the VCS revision for builds without VCS information (an image
// built without .git): go build -ldflags "-X main.revision=$REV".
var revision string

// version describes the binary from its build information: the module
// version and, when built from a checkout, the VCS revision and its time.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "specbot (no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, at := revision, ""
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "specbot %s", v)
	if rev != "" {
		fmt.Fprintf(&b, " revision %s", rev)
		if modified {
			b.WriteString(" (modified)")
		}
		if at != "" {
			fmt.Fprintf(&b, " of %s", at)
		}
	} else {
		b.WriteString(" revision unknown")
	}
	fmt.Fprintf(&b, " %s", info.GoVersion)
	return b.String()
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }
