package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"sync"
	"time"

	"specbot/app"
	"specbot/bot"
	"specbot/reminders"
	"specbot/store"
	"specbot/webapp"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg, err := loadConfig(getenv, fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, "serve: %v", err)
	}
	if cfg.Token == "" {
		return fail(stderr, exitUsage, "serve: TELEGRAM_BOT_TOKEN: required; get one from @BotFather (see README)")
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if cfg.TokenOnCommandLine {
		log.Warn("--token on the command line can be read by other local users (ps, /proc): prefer TELEGRAM_BOT_TOKEN_FILE or TELEGRAM_BOT_TOKEN")
	}
	tuneMemory(getenv)
	stopProfile, err := startProfiles(getenv("SPECBOT_CPU_PROFILE"), getenv("SPECBOT_ALLOC_PROFILE"))
	if err != nil {
		return fail(stderr, exitUsage, "serve: %v", err)
	}
	defer stopProfile()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "serve: %v", err)
	}
	defer db.Close()
	db.Catalog = cfg.Catalog
	engine := cfg.engine()
	engine.WebAppURL = cfg.WebAppURL()
	pace, closeBudget := cfg.pacing(log)
	defer closeBudget()
	b, err := startBot(ctx, log, func(ctx context.Context) (*bot.Bot, error) {
		return bot.New(ctx, bot.Config{
			Token: cfg.Token, APIURL: cfg.APIURL, ManagersChatID: cfg.ManagersChatID, ManagerIDs: cfg.ManagerIDs,
			ManagersLang: cfg.ManagersLang, HTTPAddr: cfg.HTTPAddr, MetricsAddr: cfg.MetricsAddr, WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret,
			WebAppURL: cfg.WebAppURL(), HandoffNudge: cfg.HandoffNudge,
			SendRate: pace.SendRate, ChatInterval: pace.ChatInterval, Budget: pace.Budget,
		}, db, engine, log)
	})
	if err != nil {
		return fail(stderr, exitError, "serve: %v", err)
	}
	// The Mini App is served whenever the bot runs; only its buttons wait
	// for a public URL.
	b.Mount(webapp.Prefix, webapp.New(webapp.Config{
		App: &app.App{DB: db, Engine: engine, ContactConfigured: cfg.ManagersChatID != 0, Log: log,
			ManagersChat: b.ManagersChat, ManagersLang: cfg.ManagersLang},
		Token: cfg.Token, MaxAge: cfg.WebAppMaxAge, Notifier: b, Log: log,
	}))
	log.Info("specbot starting", "db", cfg.DB, "catalog", cfg.Catalog.ID, "webhook", cfg.WebhookURL != "")
	planner, br := reminderParts(cfg, db, engine, b, log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reminders.Run(ctx, planner, br, time.Minute, log)
	}()
	err = b.Run(ctx)
	wg.Wait()
	if err != nil {
		return fail(stderr, exitError, "serve: %v", err)
	}
	log.Info("specbot stopped")
	return exitOK
}

// startBackoff bounds the wait between two tries to reach the Bot API at
// start.
var startBackoff = struct{ first, max time.Duration }{time.Second, 30 * time.Second}

// startBot builds the bot, retrying with backoff while the Bot API cannot
// be reached (a network not up yet, Telegram down), until ctx ends. A token
// Telegram refuses is final.
func startBot(ctx context.Context, log *slog.Logger, build func(context.Context) (*bot.Bot, error)) (*bot.Bot, error) {
	wait := startBackoff.first
	for attempt := 1; ; attempt++ {
		b, err := build(ctx)
		if err == nil || errors.Is(err, bot.ErrTokenRefused) || ctx.Err() != nil {
			return b, err
		}
		log.Warn("Bot API unreachable at start; retrying", "attempt", attempt, "wait", wait, "err", err.Error())
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait = min(2*wait, startBackoff.max)
	}
}
