package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"time"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
)

func runCheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	factsPath := fs.String("facts", "", "facts file (JSON)")
	lang := fs.String("lang", "en", "language of the text output: en or ru")
	format := fs.String("format", "text", "output format: text or json")
	rules := fs.String("rules", getenv("SPECBOT_RULES"), "rules catalogue file (default: the embedded edition)")
	today := fs.String("today", "", "the date to check on, YYYY-MM-DD (default: today)")
	if help, err := parseFlags(fs, args, stdout); help {
		return exitOK
	} else if err != nil {
		return fail(stderr, exitUsage, "check: %v", err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "check: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *factsPath == "":
		return fail(stderr, exitUsage, "check: --facts: a facts file is required")
	case *lang != "en" && *lang != "ru":
		return fail(stderr, exitUsage, "check: --lang: want en or ru, got %q", *lang)
	case *format != "text" && *format != "json":
		return fail(stderr, exitUsage, "check: --format: want text or json, got %q", *format)
	}
	loc, err := loadLocation(getenv("SPECBOT_TZ"))
	if err != nil {
		return fail(stderr, exitUsage, "check: SPECBOT_TZ: %v", err)
	}
	day := time.Now().In(loc)
	if *today != "" {
		day, err = time.ParseInLocation(time.DateOnly, *today, loc)
		if err != nil {
			return fail(stderr, exitUsage, "check: --today: want YYYY-MM-DD, got %q", *today)
		}
	}
	cat, err := app.LoadCatalog(*rules)
	if err != nil {
		return fail(stderr, exitUsage, "check: --rules: %v", err)
	}
	report, err := app.CheckFacts(cat, *factsPath, day)
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, iofs.ErrPermission) {
			return fail(stderr, exitUsage, "check: --facts: %v", err)
		}
		return fail(stderr, exitUsage, "check: %v", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fail(stderr, exitError, "check: %v", err)
		}
		return exitOK
	}
	fmt.Fprintln(stdout, dialogs.PlainText(dialogs.RenderReport(report, nil, *lang)))
	fmt.Fprintln(stdout, "\n"+locales.For(*lang).T("report.preliminary"))
	return exitOK
}

// loadLocation reads a time zone name; "" is Europe/Moscow.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		name = "Europe/Moscow"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}
