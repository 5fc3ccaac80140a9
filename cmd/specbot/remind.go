package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"specbot/app"
	"specbot/bot"
	"specbot/dialogs"
	"specbot/reminders"
	"specbot/store"
)

// The Telegram adapter is what sends reminders.
var _ reminders.Sender = (*bot.Bot)(nil)

// reminderParts builds the planner and broadcaster of a configuration.
func reminderParts(cfg *config, db *store.DB, engine *dialogs.Engine, sender reminders.Sender, log *slog.Logger) (*reminders.Planner, *reminders.Broadcaster) {
	planner := &reminders.Planner{App: &app.App{DB: db, Engine: engine, Log: log}, Schedule: reminders.Schedule{
		Windows: cfg.Catalog.Windows, Days: cfg.RemindDays, Hour: reminders.DefaultHour, Loc: cfg.Location,
	}}
	br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: sender, Rate: cfg.SendRate, Log: log}
	return planner, br
}

func runRemind(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("remind", flag.ContinueOnError)
	nowFlag := fs.String("now", "", "the moment to act at, RFC3339 (default: now)")
	dryRun := fs.Bool("dry-run", false, "list who would get what; send and write nothing")
	cfg, err := loadConfig(getenv, fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, "remind: %v", err)
	}
	now := time.Now()
	if *nowFlag != "" {
		if now, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			return fail(stderr, exitUsage, "remind: --now: want RFC3339 like 2027-03-02T11:00:00+03:00, got %q", *nowFlag)
		}
	}
	if !*dryRun && cfg.Token == "" {
		return fail(stderr, exitUsage, "remind: TELEGRAM_BOT_TOKEN: required to send (or use --dry-run)")
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "remind: %v", err)
	}
	defer db.Close()
	db.Catalog = cfg.Catalog
	engine := cfg.engine()
	engine.Now = func() time.Time { return now.In(cfg.Location) }

	if *dryRun {
		planner, _ := reminderParts(cfg, db, engine, nil, log)
		planned, err := planner.Plan(ctx, now)
		if err != nil {
			return fail(stderr, exitError, "remind: %v", err)
		}
		for _, p := range planned {
			fmt.Fprintf(stdout, "chat %d\t%s\t%s\twindow %s\t%d days before\t%s\n", p.Partner.ChatID, p.Partner.Lang,
				p.Kind, p.Reminder.WindowOpens, p.Reminder.DaysBefore, firstLine(dialogs.PlainText(p.Message.Text)))
		}
		fmt.Fprintf(stdout, "%d reminder(s) due at %s (dry run: nothing sent)\n", len(planned), now.In(cfg.Location).Format(time.RFC3339))
		return exitOK
	}

	pace, closeBudget := cfg.pacing(log)
	defer closeBudget()
	b, err := bot.New(ctx, bot.Config{Token: cfg.Token, APIURL: cfg.APIURL, HTTPAddr: cfg.HTTPAddr,
		SendRate: pace.SendRate, ChatInterval: pace.ChatInterval, Budget: pace.Budget}, db, engine, log)
	if err != nil {
		return fail(stderr, exitError, "remind: %v", err)
	}
	planner, br := reminderParts(cfg, db, engine, b, log)
	br.Now = func() time.Time { return now }
	st, err := reminders.Once(ctx, planner, br, log)
	if err != nil {
		return fail(stderr, exitError, "remind: %v", err)
	}
	fmt.Fprintf(stdout, "sent %d, blocked %d, failed %d, retried later %d\n", st.Sent, st.Blocked, st.Failed, st.Retried)
	return exitOK
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
