package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"specbot/app"
	"specbot/eligibility"
	"specbot/store"
)

const impactUsage = "usage: specbot rules impact NEW.yaml [--format text|csv] [--today YYYY-MM-DD] [--db FILE] [--rules FILE]"

// runRulesImpact prints, read-only, what a new catalogue edition does to
// every company's verdicts and stored answers.
func runRulesImpact(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var file string
	switch {
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		file, args = args[0], args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-"):
		file, args = args[len(args)-1], args[:len(args)-1]
	}
	fs := flag.NewFlagSet("rules impact", flag.ContinueOnError)
	format := fs.String("format", "text", "text (an aligned table) or csv")
	todayFlag := fs.String("today", "", "the day to evaluate on, YYYY-MM-DD (default: today)")
	cfg, err := loadConfig(getenv, fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, impactUsage+"\n\nEvaluates every company's stored answers under the current catalogue and under NEW.yaml and prints, per company and specialization, both statuses, the answers kept and those set aside. Writes nothing.")
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, "rules impact: %v", err)
	}
	if file == "" {
		return fail(stderr, exitUsage, "rules impact: NEW.yaml: a catalogue file is required (%s)", impactUsage)
	}
	if *format != "text" && *format != "csv" {
		return fail(stderr, exitUsage, "rules impact: --format: want text or csv, got %q", *format)
	}
	next, err := eligibility.LoadCatalog(file)
	if err != nil {
		return fail(stderr, exitUsage, "rules impact: %s: %v", file, err)
	}
	today := time.Now().In(cfg.Location)
	if *todayFlag != "" {
		if today, err = time.ParseInLocation(time.DateOnly, *todayFlag, cfg.Location); err != nil {
			return fail(stderr, exitUsage, "rules impact: --today: want YYYY-MM-DD, got %q", *todayFlag)
		}
	}
	// Open would create an empty database: a missing one is a mistake here.
	if _, err := os.Stat(cfg.DB); err != nil {
		return fail(stderr, exitUsage, "rules impact: SPECBOT_DB %s: %v", cfg.DB, errors.Unwrap(err))
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "rules impact: %v", err)
	}
	defer db.Close()
	db.Catalog = cfg.Catalog
	rows, err := app.RulesImpact(ctx, db, cfg.Catalog, next, today)
	if err != nil {
		return fail(stderr, exitError, "rules impact: %v", err)
	}
	header := []string{"company_id", "company", "specialization", "before", "after", "changed", "kept", "set_aside"}
	record := func(r app.ImpactRow) []string {
		changed := ""
		if r.Changed() {
			changed = "yes"
		}
		return []string{strconv.FormatInt(r.CompanyID, 10), r.Company, r.Specialization, orDash(r.Before), orDash(r.After),
			changed, strconv.Itoa(r.Kept), r.SetAsideList()}
	}
	if *format == "csv" {
		w := csv.NewWriter(stdout)
		w.Write(header)
		for _, r := range rows {
			w.Write(record(r))
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fail(stderr, exitError, "rules impact: %v", err)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(record(r), "\t"))
	}
	tw.Flush()
	if len(rows) == 0 {
		fmt.Fprintln(stdout, "no company keeps answers yet")
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
