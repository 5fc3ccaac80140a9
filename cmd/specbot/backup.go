package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"specbot/store"
)

// runBackup writes a consistent, integrity-checked copy of the database to
// --to while the bot may go on serving. Every failure is exit status 2 with
// one line, and nothing is left at --to.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	to := fs.String("to", "", "file to write the copy to; must not exist")
	dbDefault := getenv("SPECBOT_DB")
	if dbDefault == "" {
		dbDefault = "specbot.db"
	}
	dbPath := fs.String("db", dbDefault, "SQLite file to copy ($SPECBOT_DB)")
	if help, err := parseFlags(fs, args, stdout); help {
		return exitOK
	} else if err != nil {
		return fail(stderr, exitUsage, "backup: %v", err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "backup: unexpected argument %q", fs.Arg(0))
	}
	*to = strings.TrimSpace(*to)
	if *to == "" {
		return fail(stderr, exitUsage, "backup: --to: a file to write the copy to is required")
	}
	if _, err := os.Lstat(*to); err == nil {
		return fail(stderr, exitUsage, "backup: --to %s: already exists; a backup never overwrites", *to)
	}
	// Open would create an empty database: a missing one is a mistake here.
	if _, err := os.Stat(*dbPath); err != nil {
		return fail(stderr, exitUsage, "backup: SPECBOT_DB %s: %v", *dbPath, errors.Unwrap(err))
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(stderr, exitUsage, "backup: %v", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, *to); err != nil {
		return fail(stderr, exitUsage, "backup: %v", err)
	}
	info, err := os.Stat(*to)
	if err != nil {
		return fail(stderr, exitUsage, "backup: %v", err)
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes, integrity check ok)\n", *dbPath, *to, info.Size())
	return exitOK
}
