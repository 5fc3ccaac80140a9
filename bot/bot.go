package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/time/rate"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"specbot/app"
	"specbot/dialogs"
	"specbot/store"
)

// Bot is the running Telegram adapter.
type Bot struct {
	cfg       Config
	db        *store.DB
	app       *app.App
	tg        *tgbot.Bot
	gate      *gate
	log       *slog.Logger
	metrics   *Metrics
	registry  *prometheus.Registry
	dispatch  *dispatcher
	managers  *rate.Limiter // the managers' group budget, waited on by the group sender only
	groupWake chan struct{}
	pace      *pacer       // every message sent waits for its chat's and the bot's budget
	paused    atomic.Int64 // Unix nanoseconds until which Telegram asked us to wait (429)
	retries   retrySchedule
	chatLocks chatLocks // one chat's outbox is resent by one goroutine at a time

	anchors       *anchorCache
	sentOnly      sentSet          // outbox ids sent, not yet marked
	apologies     *apologyThrottle // chats told about a storage outage
	configGapOnce sync.Once
	// managersID is the managers' chat as it is now: the configured one,
	// or the supergroup Telegram upgraded it to.
	managersID atomic.Int64
	noTopics   atomic.Bool // the managers' chat has no topics for the bot
	flatOnce   sync.Once
	cardShown  sync.Map    // handoff id -> the card's text and markup as last edited
	listening  chan string // receives the HTTP address once listening
	ready      readiness

	// beforeHandle, when set, is called with each update before it is
	// handled: the test seam through which a test makes an update panic
	// or fail with the error it returns.
	beforeHandle func(*models.Update) error
}

// New builds the adapter; it calls getMe to check the token unless the
// context says otherwise.
func New(ctx context.Context, cfg Config, db *store.DB, engine *dialogs.Engine, log *slog.Logger) (*Bot, error) {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	b := &Bot{
		cfg: cfg, db: db, log: log, registry: reg, metrics: NewMetrics(reg),
		listening: make(chan string, 1),
		app:       &app.App{DB: db, Engine: engine, ContactConfigured: cfg.ManagersChatID != 0, Log: log, ManagersLang: cfg.ManagersLang},
	}
	b.anchors, b.apologies = newAnchorCache(b.app, log), newApologyThrottle(cfg.Now)
	b.managersID.Store(cfg.ManagersChatID)
	b.app.ManagersChat = b.managersChat
	if cfg.ManagersChatID != 0 {
		if to, err := b.app.MovedChat(ctx, cfg.ManagersChatID); err != nil {
			log.Warn("read the managers' chat's new id", "err", err)
		} else if to != 0 {
			b.managersID.Store(to)
			log.Warn("the managers' chat was upgraded to a supergroup: using its new id; set SPECBOT_MANAGERS_CHAT_ID to it", "from", cfg.ManagersChatID, "to", to)
		}
	}
	b.registerState(reg)
	b.managers, b.groupWake = newLimiter(cfg.GroupInterval, 1), make(chan struct{}, 1)
	b.dispatch = newDispatcher(b)
	b.pace = newPacer(cfg, func(err error) {
		b.log.Warn("shared sending budget unavailable; keeping to this process's", "err", err)
	})
	b.gate = newGate(&http.Client{Timeout: cfg.PollTimeout + 10*time.Second, Transport: b.observe(apiTransport(cfg.Workers))}, func(ctx context.Context, batch []*models.Update, raw map[int64][]byte) error {
		return b.store(ctx, raw, batch...)
	})
	b.gate.calls = &http.Client{Timeout: cfg.RequestTimeout, Transport: b.gate.client.Transport}
	b.gate.tell = b.apologizeOnce
	b.gate.limited = func(d time.Duration) { b.pauseUntil(time.Now().Add(d)) }
	opts := []tgbot.Option{
		tgbot.WithDefaultHandler(b.receive),
		tgbot.WithErrorsHandler(b.errorsHandler),
		// The library asks Telegram to hold a poll one second less than
		// this; below two seconds it would not long-poll at all.
		tgbot.WithHTTPClient(cfg.PollTimeout+time.Second, b.gate),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithWorkers(1),
		tgbot.WithUpdatesChannelCap(1),
		tgbot.WithAllowedUpdates(tgbot.AllowedUpdates{"message", "callback_query", "my_chat_member"}),
	}
	if cfg.APIURL != "" {
		opts = append(opts, tgbot.WithServerURL(cfg.APIURL))
	}
	tg, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return nil, fmt.Errorf("connect to the Bot API: %s: %w", b.redact(err), ErrTokenRefused)
		}
		return nil, fmt.Errorf("connect to the Bot API: %s", b.redact(err))
	}
	b.tg = tg
	return b, nil
}

// Run serves until ctx ends: the HTTP endpoints, updates by long polling or
// webhook, and the dispatcher. On shutdown it stops taking updates, lets
// those in flight finish within ShutdownGrace, and returns.
func (b *Bot) Run(ctx context.Context) error {
	ctx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var runErr error
	b.learnUsername(ctx)
	if err := b.setCommands(ctx); err != nil {
		b.log.Warn("set commands", "err", b.redact(err))
	}
	if err := b.setDescriptions(ctx); err != nil {
		b.log.Warn("set descriptions", "err", b.redact(err))
	}
	if err := b.setMenuButton(ctx); err != nil {
		b.log.Warn("set menu button", "err", b.redact(err))
	}
	if b.cfg.ManagersChatID == 0 {
		b.log.Warn("SPECBOT_MANAGERS_CHAT_ID is not set: partners asking for a manager get the partnership team's address")
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.healthz)
	mux.HandleFunc("GET /readyz", b.readyz)
	// On SIGTERM readiness fails first, so a balancer stops sending webhooks
	// before the server stops taking them.
	go func() { <-ctx.Done(); b.ready.stopping.Store(true) }()
	if b.cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", promhttp.HandlerFor(b.registry, promhttp.HandlerOpts{}))
	} else if err := b.serveMetrics(ctx); err != nil {
		return err
	}
	for pattern, h := range b.cfg.Extra {
		mux.Handle(pattern, h)
	}
	webhook := b.cfg.WebhookURL != ""
	if webhook {
		path, err := b.cfg.webhookPath()
		if err != nil {
			return err
		}
		mux.HandleFunc("POST "+path, b.webhookHandler)
	}
	srv := newHTTPServer(mux, b.cfg.HTTPTimeouts)
	ln, err := net.Listen("tcp", b.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", b.cfg.HTTPAddr, err)
	}
	b.listening <- ln.Addr().String()
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()

	// work outlives ctx by ShutdownGrace so that updates in flight finish.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	// Replies a crash left unsent go out before any new update is applied.
	b.drainOutbox(work)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.dispatch.run(ctx, work)
	}()
	groupDone := make(chan struct{})
	go func() {
		defer close(groupDone)
		b.runGroup(ctx)
	}()
	retriesDone := make(chan struct{})
	go func() {
		defer close(retriesDone)
		b.runRetries(ctx, work)
	}()
	anchorsDone := make(chan struct{})
	go func() {
		defer close(anchorsDone)
		b.anchors.run(ctx)
	}()

	if webhook {
		err := b.call(ctx, "setWebhook", func(ctx context.Context) error {
			_, err := b.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{
				URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret,
				AllowedUpdates: []string{"message", "callback_query", "my_chat_member"},
			})
			return err
		})
		if err != nil {
			// Telegram would send nothing: stop rather than sit idle.
			runErr = fmt.Errorf("set webhook %s: %s", b.cfg.WebhookURL, b.redact(err))
			stopRun()
		} else {
			b.log.Info("serving", "mode", "webhook", "addr", ln.Addr().String())
		}
		<-ctx.Done()
	} else {
		err := b.call(ctx, "deleteWebhook", func(ctx context.Context) error {
			_, err := b.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
			return err
		})
		if err != nil {
			b.log.Warn("delete webhook", "err", b.redact(err))
		}
		b.log.Info("serving", "mode", "polling", "addr", ln.Addr().String())
		b.tg.Start(ctx) // returns when ctx ends
		// Updates received but not yet confirmed: store them now rather
		// than wait for Telegram to redeliver them after the restart.
		drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := b.gate.drain(drainCtx); err != nil {
			b.log.Warn("store last updates", "err", err)
		}
		cancel()
	}

	b.log.Info("shutting down", "grace", b.cfg.ShutdownGrace)
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.ShutdownGrace)
	defer cancel()
	// The HTTP server outlives the updates in flight: /readyz already says
	// 503 (a balancer stops routing here) while /healthz and a late webhook
	// delivery, stored for the next start, are still answered.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-shutdown.Done():
		b.log.Warn("updates still in flight at the deadline; they stay in the inbox for the next start")
		cancelWork()
		<-finished
	}
	_ = srv.Shutdown(shutdown)
	<-anchorsDone
	<-groupDone
	<-retriesDone
	b.anchors.flush(shutdown)
	if err := <-httpDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return runErr
}

// Addr waits until Run listens and returns the HTTP address (useful with
// port 0), or "" when ctx ends first.
func (b *Bot) Addr(ctx context.Context) string {
	select {
	case a := <-b.listening:
		b.listening <- a
		return a
	case <-ctx.Done():
		return ""
	}
}

func (b *Bot) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := b.db.MaxUpdateID(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// maxWebhookBody bounds a webhook request.
const maxWebhookBody = 1 << 20

// webhookHandler stores an update before acknowledging it, and refuses
// requests without the secret: Telegram then retries, nothing is lost.
func (b *Bot) webhookHandler(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
		b.metrics.Errors.WithLabelValues("webhook_secret").Inc()
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody))
	var u models.Update
	if err != nil || json.Unmarshal(body, &u) != nil || u.ID <= 0 {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if err := b.store(ctx, map[int64][]byte{u.ID: body}, &u); err != nil {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	b.ready.record(true) // a delivery is an exchange with Telegram
	w.WriteHeader(http.StatusOK)
}

// learnUsername asks Telegram for the bot's username, which invitation
// links name. Without it (getMe failing now) a link is the command to type.
func (b *Bot) learnUsername(ctx context.Context) {
	err := b.call(ctx, "getMe", func(ctx context.Context) error {
		me, err := b.tg.GetMe(ctx)
		if err == nil {
			b.app.BotUsername = me.Username
		}
		return err
	})
	if err != nil {
		b.log.Warn("get bot username", "err", b.redact(err))
	}
}
