package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"specbot/app"
	"specbot/bot"
	"specbot/dialogs"
)

// config is specbot's configuration: DESIGN.md's table of environment
// variables, each also a flag of serve (a flag wins over the variable).
type config struct {
	Token          string
	APIURL         string
	DB             string
	Rules          string
	ManagersChatID int64
	ManagerIDs     []int64
	ManagersLang   string
	TZ             string
	RemindDays     []int
	SendRate       float64
	// ChatRate is the most messages a second to one chat, on average.
	ChatRate float64
	// Unpaced turns the chat's pace and the sending budget off: for a
	// Bot API test server only (the load tool).
	Unpaced       bool
	HTTPAddr      string
	WebhookURL    string
	WebhookSecret string
	MetricsAddr   string
	// TokenOnCommandLine is set when --token was given: other local users
	// can read a process's arguments, and serve warns about it.
	TokenOnCommandLine bool
	Contact            string // how to reach the partnership team, shown to partners
	// PublicURL is the https base at which /app/ (the Mini App) is
	// reachable; "" shows no web_app button.
	PublicURL    string
	WebAppMaxAge time.Duration
	// HandoffNudge is how long a card may wait untaken before the
	// managers' chat is reminded of it, once.
	HandoffNudge time.Duration

	Catalog  *app.Catalog
	Location *time.Location
}

// setting is one row of the table.
type setting struct {
	env, flag, def, help string
}

var settings = []setting{
	{"TELEGRAM_BOT_TOKEN", "token", "", "Telegram bot token from @BotFather (required by serve)"},
	{"TELEGRAM_API_URL", "api-url", "https://api.telegram.org", "Bot API server"},
	{"SPECBOT_DB", "db", "specbot.db", "SQLite file"},
	{"SPECBOT_RULES", "rules", "", "rules catalogue file (default: the embedded edition)"},
	{"SPECBOT_MANAGERS_CHAT_ID", "managers-chat-id", "", "chat that receives handoff cards"},
	{"SPECBOT_MANAGER_IDS", "manager-ids", "", "comma-separated Telegram user ids allowed manager commands"},
	{"SPECBOT_MANAGERS_LANG", "managers-lang", "ru", "language of handoff cards and manager replies: en or ru"},
	{"SPECBOT_TZ", "tz", "Europe/Moscow", "time zone of windows and reminders"},
	{"SPECBOT_REMIND_DAYS", "remind-days", "30,7", "days before a window opens on which reminders go out"},
	{"SPECBOT_SEND_RATE", "send-rate", "25", "messages per second, at most, shared by serve and remind on one database"},
	{"SPECBOT_CHAT_RATE", "chat-rate", "1", "messages per second to one chat, on average (in bursts of 3)"},
	{"SPECBOT_PACING", "pacing", "telegram", "telegram: keep to Telegram's limits; off: no pace, only against a test Bot API server"},
	{"SPECBOT_HTTP_ADDR", "http-addr", "127.0.0.1:8080", "address of /healthz, /metrics and the webhook"},
	{"SPECBOT_WEBHOOK_URL", "webhook-url", "", "public https URL of the webhook (webhook mode when set)"},
	{"SPECBOT_WEBHOOK_SECRET", "webhook-secret", "", "secret Telegram sends with every webhook request (16-256 characters)"},
	{"SPECBOT_METRICS_ADDR", "metrics-addr", "", "address of /metrics on its own (default: on SPECBOT_HTTP_ADDR)"},
	{"TELEGRAM_BOT_TOKEN_FILE", "token-file", "", "file holding the bot token (instead of TELEGRAM_BOT_TOKEN)"},
	{"SPECBOT_CONTACT", "contact", "", "how to reach the partnership team (an address or a link), shown to partners"},
	{"SPECBOT_PUBLIC_URL", "public-url", "", "https base URL at which /app/ (the Mini App) is reachable"},
	{"SPECBOT_WEBAPP_MAX_AGE", "webapp-max-age", "1h", "oldest Mini App initData accepted"},
	{"SPECBOT_HANDOFF_NUDGE", "handoff-nudge", "4h", "how long a handoff card may wait untaken, in working hours (Mon–Fri 09:00–18:00), before the managers' chat is reminded of it, once"},
}

// loadConfig reads the environment, then the flags of fs (when given), and
// validates everything; an error names the variable or flag.
func loadConfig(getenv func(string) string, fs *flag.FlagSet, args []string) (*config, error) {
	values := map[string]*string{}
	for _, s := range settings {
		v := getenv(s.env)
		if v == "" {
			v = s.def
		}
		values[s.env] = &v
		if fs != nil {
			fs.StringVar(values[s.env], s.flag, v, s.help+" ($"+s.env+")")
		}
	}
	if fs != nil {
		fs.SetOutput(io.Discard)
		if err := fs.Parse(args); err != nil {
			return nil, err // flag.ErrHelp unwrapped: the caller prints the flags
		}
		if fs.NArg() > 0 {
			return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
		}
	}
	tokenOnCommandLine := false
	if fs != nil {
		fs.Visit(func(f *flag.Flag) { tokenOnCommandLine = tokenOnCommandLine || f.Name == "token" })
	}
	get := func(env string) string { return strings.TrimSpace(*values[env]) }
	c := &config{
		Token: get("TELEGRAM_BOT_TOKEN"), APIURL: strings.TrimRight(get("TELEGRAM_API_URL"), "/"), DB: get("SPECBOT_DB"),
		Rules: get("SPECBOT_RULES"), ManagersLang: get("SPECBOT_MANAGERS_LANG"), TZ: get("SPECBOT_TZ"),
		HTTPAddr: get("SPECBOT_HTTP_ADDR"), WebhookURL: get("SPECBOT_WEBHOOK_URL"), WebhookSecret: get("SPECBOT_WEBHOOK_SECRET"),
		MetricsAddr: get("SPECBOT_METRICS_ADDR"), TokenOnCommandLine: tokenOnCommandLine,
		Contact: strings.TrimSpace(get("SPECBOT_CONTACT")),
	}
	var err error
	if file := get("TELEGRAM_BOT_TOKEN_FILE"); file != "" {
		if c.Token != "" {
			return nil, fmt.Errorf("TELEGRAM_BOT_TOKEN_FILE: give the token or the file, not both")
		}
		if c.Token, err = readTokenFile(file); err != nil {
			return nil, fmt.Errorf("TELEGRAM_BOT_TOKEN_FILE: %w", err)
		}
	}
	if u, perr := url.Parse(c.APIURL); perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("TELEGRAM_API_URL: want an http(s) URL, got %q", c.APIURL)
	}
	if c.DB == "" {
		return nil, fmt.Errorf("SPECBOT_DB: empty path")
	}
	if v := get("SPECBOT_MANAGERS_CHAT_ID"); v != "" {
		if c.ManagersChatID, err = strconv.ParseInt(v, 10, 64); err != nil || c.ManagersChatID == 0 {
			return nil, fmt.Errorf("SPECBOT_MANAGERS_CHAT_ID: want a Telegram chat id like -1001234567890, got %q", v)
		}
	}
	if v := get("SPECBOT_MANAGER_IDS"); v != "" {
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("SPECBOT_MANAGER_IDS: want comma-separated user ids, %q is not one", strings.TrimSpace(part))
			}
			c.ManagerIDs = append(c.ManagerIDs, id)
		}
	}
	if c.ManagersLang != "en" && c.ManagersLang != "ru" {
		return nil, fmt.Errorf("SPECBOT_MANAGERS_LANG: want en or ru, got %q", c.ManagersLang)
	}
	if c.Location, err = loadLocation(c.TZ); err != nil {
		return nil, fmt.Errorf("SPECBOT_TZ: %w", err)
	}
	if c.RemindDays, err = parseDays(get("SPECBOT_REMIND_DAYS")); err != nil {
		return nil, fmt.Errorf("SPECBOT_REMIND_DAYS: %w", err)
	}
	if c.SendRate, err = strconv.ParseFloat(get("SPECBOT_SEND_RATE"), 64); err != nil || c.SendRate <= 0 || c.SendRate > 30 {
		return nil, fmt.Errorf("SPECBOT_SEND_RATE: want messages per second between 1 and 30, got %q", get("SPECBOT_SEND_RATE"))
	}
	if c.ChatRate, err = strconv.ParseFloat(get("SPECBOT_CHAT_RATE"), 64); err != nil || c.ChatRate < 0.1 || c.ChatRate > 30 {
		return nil, fmt.Errorf("SPECBOT_CHAT_RATE: want messages per second to one chat between 0.1 and 30, got %q", get("SPECBOT_CHAT_RATE"))
	}
	switch get("SPECBOT_PACING") {
	case "telegram":
	case "off":
		c.Unpaced = true
	default:
		return nil, fmt.Errorf("SPECBOT_PACING: want telegram or off, got %q", get("SPECBOT_PACING"))
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return nil, fmt.Errorf("SPECBOT_HTTP_ADDR: want host:port, got %q", c.HTTPAddr)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return nil, fmt.Errorf("SPECBOT_METRICS_ADDR: want host:port, got %q", c.MetricsAddr)
		}
		if c.MetricsAddr == c.HTTPAddr {
			return nil, fmt.Errorf("SPECBOT_METRICS_ADDR: the same address as SPECBOT_HTTP_ADDR (%s): leave it empty to share it", c.HTTPAddr)
		}
	}
	if c.WebhookURL != "" {
		// Telegram delivers webhooks only over https.
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("SPECBOT_WEBHOOK_URL: want an https:// URL, got %q", c.WebhookURL)
		}
		if err := checkWebhookPort(c.WebhookURL, c.HTTPAddr); err != nil {
			return nil, err
		}
		if !secretRE.MatchString(c.WebhookSecret) {
			// The secret itself is never printed.
			return nil, fmt.Errorf("SPECBOT_WEBHOOK_SECRET: required in webhook mode: 16-256 characters of A-Z, a-z, 0-9, _ and -")
		}
	}
	if c.PublicURL, err = parsePublicURL(get("SPECBOT_PUBLIC_URL")); err != nil {
		return nil, fmt.Errorf("SPECBOT_PUBLIC_URL: %w", err)
	}
	if c.WebAppMaxAge, err = time.ParseDuration(get("SPECBOT_WEBAPP_MAX_AGE")); err != nil || c.WebAppMaxAge <= 0 {
		return nil, fmt.Errorf("SPECBOT_WEBAPP_MAX_AGE: want a positive duration like 1h or 30m, got %q", get("SPECBOT_WEBAPP_MAX_AGE"))
	}
	if c.HandoffNudge, err = time.ParseDuration(get("SPECBOT_HANDOFF_NUDGE")); err != nil || c.HandoffNudge <= 0 {
		return nil, fmt.Errorf("SPECBOT_HANDOFF_NUDGE: want a positive duration like 4h or 90m, got %q", get("SPECBOT_HANDOFF_NUDGE"))
	}
	if c.Catalog, err = app.LoadCatalog(c.Rules); err != nil {
		return nil, fmt.Errorf("SPECBOT_RULES: %w", err)
	}
	return c, nil
}

// parsePublicURL reads the Mini App's base URL: https (Telegram opens no
// other), a host, no query or fragment; the trailing slash is dropped.
func parsePublicURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("want an https:// URL like https://bot.example.com, got %q", v)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// WebAppURL is the Mini App's page, "" when no public URL is set.
func (c *config) WebAppURL() string {
	if c.PublicURL == "" {
		return ""
	}
	return c.PublicURL + "/app/"
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,256}$`)

// maxTokenFile bounds what readTokenFile reads: a token is ~50 bytes.
const maxTokenFile = 4096

// readTokenFile reads a bot token from a file (a Docker or systemd
// credential); surrounding space and a final newline are dropped. The
// error never holds the file's content.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	token := strings.TrimSpace(string(buf))
	switch {
	case len(buf) > maxTokenFile:
		return "", fmt.Errorf("%s: larger than %d bytes: not a token", path, maxTokenFile)
	case token == "":
		return "", fmt.Errorf("%s: empty", path)
	case strings.ContainsAny(token, " \t\r\n"):
		return "", fmt.Errorf("%s: more than one line: not a token", path)
	}
	return token, nil
}

// parseDays reads "30,7": distinct days between 1 and 365.
func parseDays(v string) ([]int, error) {
	var days []int
	seen := map[int]bool{}
	for _, part := range strings.Split(v, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || d < 1 || d > 365 {
			return nil, fmt.Errorf("want comma-separated days between 1 and 365, %q is not one", strings.TrimSpace(part))
		}
		if !seen[d] {
			seen[d] = true
			days = append(days, d)
		}
	}
	return days, nil
}

// webhookPorts are the ports Telegram delivers webhooks to.
var webhookPorts = map[string]bool{"443": true, "80": true, "88": true, "8443": true}

// checkWebhookPort refuses a webhook URL Telegram would never call: a port
// other than 443, 80, 88 or 8443. The bot itself listens on SPECBOT_HTTP_ADDR
// behind a TLS proxy, unless both ports agree.
func checkWebhookPort(webhookURL, httpAddr string) error {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return fmt.Errorf("SPECBOT_WEBHOOK_URL: %w", err)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	if webhookPorts[port] {
		return nil
	}
	_, served, _ := net.SplitHostPort(httpAddr)
	return fmt.Errorf("SPECBOT_WEBHOOK_URL: port %s is not one Telegram delivers to (443, 80, 88, 8443); the bot serves SPECBOT_HTTP_ADDR port %s: put a TLS proxy on 443 in front of it", port, served)
}

// engine is the conversation engine the configuration describes.
func (c *config) engine() *dialogs.Engine {
	e := dialogs.NewEngine(c.Catalog, c.Location)
	e.Contact = c.Contact
	return e
}

// pacing is the part of the bot's configuration that keeps to Telegram's
// limits: the chat's pace and the sending budget, shared through a file
// beside the database with every specbot process on it (serve and a cron
// remind). Without the file (a read-only directory) the budget is this
// process's alone, and a warning says so.
func (c *config) pacing(log *slog.Logger) (bot.Config, func()) {
	if c.Unpaced {
		log.Warn("SPECBOT_PACING=off: no chat pace and no sending budget; Telegram itself would refuse this rate")
		return bot.Config{SendRate: 1e9, ChatInterval: time.Nanosecond}, func() {}
	}
	pc := bot.Config{SendRate: c.SendRate, ChatInterval: time.Duration(float64(time.Second) / c.ChatRate)}
	budget, err := bot.OpenBudget(c.DB+"-budget", c.SendRate, max(int(c.SendRate), 1))
	if err != nil {
		log.Warn("the sending budget is not shared with other processes", "err", err)
		return pc, func() {}
	}
	pc.Budget = budget
	return pc, func() { budget.Close() }
}
