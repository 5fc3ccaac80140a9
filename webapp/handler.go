package webapp

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
)

//go:embed static
var static embed.FS

// Prefix is the path the Mini App is served under.
const Prefix = "/app/"

// DefaultMaxAge is the oldest initData accepted when Config.MaxAge is zero.
const DefaultMaxAge = time.Hour

// maxBody bounds a request body: a sheet with fifty employees is far below.
const maxBody = 64 << 10

// csp lets the page load only itself and Telegram's script, talk only to
// its own origin, and be framed only by Telegram's web clients.
const csp = "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors https://web.telegram.org"

// Notifier wakes the delivery of a partner's chat: a submitted sheet's
// verdict is stored in the chat's outbox with the sheet, and the bot sends
// it from there (at the chat's pace, again after a crash); bot.Bot
// implements it.
type Notifier interface {
	Deliver(ctx context.Context, chatID int64)
}

// Config is the adapter's configuration, validated by cmd/specbot.
type Config struct {
	App   *app.App
	Token string // the bot token initData is signed with; never logged
	// MaxAge is the oldest initData accepted (DefaultMaxAge when zero).
	MaxAge   time.Duration
	Notifier Notifier
	Log      *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handler serves the page and its API under Prefix.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

var _ http.Handler = (*Handler)(nil)

// New returns the Mini App's handler; mount it at Prefix.
func New(cfg Config) *Handler {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Prefix+"{$}", h.file("static/index.html", "text/html; charset=utf-8"))
	h.mux.HandleFunc("GET "+Prefix+"app.js", h.file("static/app.js", "text/javascript; charset=utf-8"))
	h.mux.HandleFunc("GET "+Prefix+"app.css", h.file("static/app.css", "text/css; charset=utf-8"))
	h.mux.HandleFunc("GET "+Prefix+"api/sheet", h.api(h.sheet))
	h.mux.HandleFunc("POST "+Prefix+"api/preview", h.api(h.preview))
	h.mux.HandleFunc("POST "+Prefix+"api/submit", h.api(h.submit))
	return h
}

// ServeHTTP sets the headers every response carries, then routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) file(name, contentType string) http.HandlerFunc {
	data, err := static.ReadFile(name)
	if err != nil {
		panic("webapp: " + err.Error())
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(data)
	}
}

// apiFunc handles one API call of a verified user.
type apiFunc func(ctx context.Context, who app.Who, body []byte) (any, error)

// errBadRequest is a body the API cannot read.
var errBadRequest = errors.New("bad request")

// api verifies initData, reads a bounded body and writes JSON.
func (h *Handler) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "tma ")
		if !ok {
			h.refuse(w, r, errors.New("no tma authorization"))
			return
		}
		init, err := Verify(strings.TrimSpace(raw), h.cfg.Token, h.cfg.MaxAge, h.cfg.Now())
		if err != nil {
			h.refuse(w, r, err)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "body too large"})
			return
		}
		u := init.User
		who := app.Who{ChatID: u.ID, UserID: u.ID, Username: u.Username,
			Name: strings.TrimSpace(u.FirstName + " " + u.LastName), LangCode: u.LanguageCode}
		out, err := fn(r.Context(), who, body)
		switch {
		case errors.Is(err, errBadRequest):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request"})
		case err != nil:
			h.cfg.Log.Error("mini app", "path", r.URL.Path, "chat_id", who.ChatID, "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		default:
			writeJSON(w, http.StatusOK, out)
		}
	}
}

// refuse answers 401 with the reason in the log (never the data) and a
// message in both languages for the page to show.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, reason error) {
	h.cfg.Log.Warn("mini app refused", "path", r.URL.Path, "reason", reason)
	writeJSON(w, http.StatusUnauthorized, map[string]any{
		"error":   "unauthorized",
		"message": map[string]string{"en": locales.For("en").T("webapp.refused"), "ru": locales.For("ru").T("webapp.refused")},
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// sheetReply is the form with the words of the page around it.
type sheetReply struct {
	app.Sheet
	Labels map[string]string `json:"labels"`
}

func (h *Handler) sheet(ctx context.Context, who app.Who, _ []byte) (any, error) {
	s, err := h.cfg.App.Sheet(ctx, who)
	if err != nil {
		return nil, err
	}
	return sheetReply{Sheet: s, Labels: labels(s.Lang)}, nil
}

// labels are the page's own words, from the locales the chat uses.
func labels(lang string) map[string]string {
	p := locales.For(lang)
	ids := map[string]string{
		"title": "webapp.title", "intro": "webapp.intro", "company": "check.question.company",
		"specs": "check.question.specs", "common": "webapp.common", "employees": "summary.employees",
		"employee_name": "webapp.employee_name", "add_employee": "webapp.add_employee", "remove": "webapp.remove",
		"no_employees": "answer.no_employees", "yes": "answer.yes", "no": "answer.no", "unknown": "answer.unknown",
		"live": "webapp.live", "submit": "webapp.submit", "fix": "webapp.fix", "sent": "webapp.sent",
		"refused": "webapp.refused", "earned": "webapp.earned",
	}
	out := make(map[string]string, len(ids))
	for k, id := range ids {
		out[k] = p.T(id)
	}
	return out
}

func decodeSheet(body []byte) (dialogs.SheetInput, error) {
	var in dialogs.SheetInput
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, errBadRequest
	}
	return in, nil
}

func (h *Handler) preview(ctx context.Context, who app.Who, body []byte) (any, error) {
	in, err := decodeSheet(body)
	if err != nil {
		return nil, err
	}
	return h.cfg.App.PreviewSheet(ctx, who, in)
}

// submitReply says whether the sheet was saved, or what to fix.
type submitReply struct {
	OK     bool                 `json:"ok"`
	Errors []dialogs.SheetError `json:"errors"`
}

func (h *Handler) submit(ctx context.Context, who app.Who, body []byte) (any, error) {
	in, err := decodeSheet(body)
	if err != nil {
		return nil, err
	}
	res, err := h.cfg.App.SubmitSheet(ctx, who, in)
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return submitReply{Errors: res.Errors}, nil
	}
	if h.cfg.Notifier != nil && (res.OutboxID != 0 || res.Queued) {
		// The verdict goes out even if the Mini App closes at once.
		send, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		h.cfg.Notifier.Deliver(send, res.ChatID)
	}
	return submitReply{OK: true, Errors: []dialogs.SheetError{}}, nil
}
