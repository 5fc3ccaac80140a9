package main

import (
	"context"
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
	cfg, err := loadConfig(getenv, flag.NewFlagSet("serve", flag.ContinueOnError), args)
	if err != nil {
		return fail(stderr, exitUsage, "serve: %v", err)
	}
	if cfg.Token == "" {
		return fail(stderr, exitUsage, "serve: TELEGRAM_BOT_TOKEN: required; get one from @BotFather (see README)")
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fail(stderr, exitError, "serve: %v", err)
	}
	defer db.Close()
	engine := cfg.engine()
	engine.WebAppURL = cfg.WebAppURL()
	b, err := bot.New(ctx, bot.Config{
		Token: cfg.Token, APIURL: cfg.APIURL, ManagersChatID: cfg.ManagersChatID, ManagerIDs: cfg.ManagerIDs,
		ManagersLang: cfg.ManagersLang, HTTPAddr: cfg.HTTPAddr, WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret,
		WebAppURL: cfg.WebAppURL(),
	}, db, engine, log)
	if err != nil {
		return fail(stderr, exitError, "serve: %v", err)
	}
	// The Mini App is served whenever the bot runs; only its buttons wait
	// for a public URL.
	b.Mount(webapp.Prefix, webapp.New(webapp.Config{
		App:   &app.App{DB: db, Engine: engine, ContactConfigured: cfg.ManagersChatID != 0, Log: log},
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
