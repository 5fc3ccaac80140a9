package bot

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Config is the adapter's configuration, validated by cmd/specbot.
type Config struct {
	Token  string
	APIURL string // Bot API server; "" is Telegram's
	// ManagersChatID receives handoff cards; 0 when not configured.
	ManagersChatID int64
	ManagerIDs     []int64
	ManagersLang   string
	HTTPAddr       string // /healthz, /metrics and the webhook path
	MetricsAddr    string // /metrics on its own address when set
	HTTPTimeouts   HTTPTimeouts
	WebhookURL     string // webhook mode when set
	WebhookSecret  string
	// PollTimeout is the long-poll timeout of getUpdates.
	PollTimeout time.Duration
	// Workers bounds the chats processed at once.
	Workers int
	// ShutdownGrace bounds how long updates in flight may finish on shutdown.
	ShutdownGrace time.Duration
	// RetryEvery is how often the dispatcher looks at the inbox again for
	// updates to retry (one whose turn failed to save, or what a previous
	// run left); 1 s when zero. Fault tests shorten it.
	RetryEvery time.Duration
	// GroupInterval spaces messages posted into the managers' group
	// (Telegram allows about 20 a minute in a group).
	GroupInterval time.Duration
	// HandoffNudge is how long a card may wait untaken, in working hours
	// (Monday to Friday, 09:00 to 18:00 in the program's time zone), before
	// it is nudged, once, in the managers' chat; 4 h when zero.
	HandoffNudge time.Duration
	// RequestTimeout bounds one Bot API request other than a long poll;
	// PollTimeout + 10 s when zero. A request cut off by it is ambiguous
	// (Telegram may have applied it): a send is then not repeated.
	RequestTimeout time.Duration
	// ChatInterval and ChatBurst pace the messages sent to one chat:
	// bursts of up to ChatBurst, then one every ChatInterval (Telegram asks
	// for about one a second per chat); 1 s and 3 when zero.
	ChatInterval time.Duration
	ChatBurst    int
	// SendRate is the most messages a second the bot sends in all; 25 when
	// zero. Budget, when set, is that budget shared with other processes
	// (a cron `specbot remind` beside `serve`); else it is this process's.
	SendRate float64
	Budget   *Budget
	// OutboxRetry is the first wait before a reply batch that failed is
	// sent again without waiting for the chat's next input; doubled each
	// time up to maxOutboxRetry. 5 s when zero.
	OutboxRetry time.Duration
	// WebAppURL, when set, is the Mini App's https URL: the chat menu
	// button opens it.
	WebAppURL string
	// Extra handlers (the Mini App) served on HTTPAddr, by pattern.
	Extra map[string]http.Handler

	// Now is the clock of the apology throttle, the inbox pruning and the
	// export's file name; nil means time.Now. Tests move it.
	Now func() time.Time
}

func (c *Config) defaults() {
	if c.PollTimeout <= 0 {
		c.PollTimeout = 30 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 10 * time.Second
	}
	if c.RetryEvery <= 0 {
		c.RetryEvery = time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = c.PollTimeout + 10*time.Second
	}
	if c.ChatInterval <= 0 {
		c.ChatInterval = time.Second
	}
	if c.ChatBurst <= 0 {
		c.ChatBurst = 3
	}
	if c.SendRate <= 0 {
		c.SendRate = 25
	}
	if c.OutboxRetry <= 0 {
		c.OutboxRetry = 5 * time.Second
	}
	if c.GroupInterval <= 0 {
		c.GroupInterval = 3 * time.Second
	}
	if c.HandoffNudge <= 0 {
		c.HandoffNudge = 4 * time.Hour
	}
	if c.ManagersLang == "" {
		c.ManagersLang = "ru"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// webhookPath is the path part of the webhook URL, served on HTTPAddr.
func (c *Config) webhookPath() (string, error) {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return "", errors.New("SPECBOT_WEBHOOK_URL: want an https:// URL")
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// isManager reports whether a Telegram user may use manager commands.
func (c *Config) isManager(userID int64) bool {
	for _, id := range c.ManagerIDs {
		if id == userID {
			return true
		}
	}
	return false
}
