package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// reply is a handler's answer: an error when code != 0, else result.
type reply struct {
	code       int
	desc       string
	retryAfter int
	migrateTo  int64 // parameters.migrate_to_chat_id
	result     any
}

func ok(v any) reply                   { return reply{result: v} }
func fail(code int, desc string) reply { return reply{code: code, desc: desc} }
func badRequest(desc string) reply     { return fail(http.StatusBadRequest, "Bad Request: "+desc) }

// request is a parsed Bot API call.
type request struct {
	ctx   context.Context
	p     map[string]string
	files map[string][]byte
}

func (r *request) int64(name string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(r.p[name]), 10, 64)
	return v, err == nil
}

// chatID parses chat_id; only numeric ids are known to this server.
func (r *request) chatID() (int64, *reply) {
	v := strings.TrimSpace(r.p["chat_id"])
	if v == "" {
		rep := badRequest("chat_id is empty")
		return 0, &rep
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		rep := badRequest("chat not found")
		return 0, &rep
	}
	return id, nil
}

type handler struct {
	name string
	fn   func(s *Server, r *request) reply
}

var handlers = func() map[string]handler {
	m := map[string]handler{}
	add := func(name string, fn func(*Server, *request) reply) { m[strings.ToLower(name)] = handler{name, fn} }
	isTrue := func(*Server, *request) reply { return ok(true) }
	add("getMe", func(s *Server, _ *request) reply { return ok(s.bot) })
	add("logOut", isTrue)
	add("close", isTrue)
	add("getUpdates", (*Server).getUpdates)
	add("setWebhook", (*Server).setWebhook)
	add("deleteWebhook", (*Server).deleteWebhook)
	add("getWebhookInfo", (*Server).getWebhookInfo)
	add("sendMessage", (*Server).sendMessage)
	add("sendDocument", sendMedia("document"))
	add("sendPhoto", sendMedia("photo"))
	add("editMessageText", (*Server).editMessageText)
	add("editMessageCaption", (*Server).editMessageCaption)
	add("editMessageReplyMarkup", (*Server).editMessageReplyMarkup)
	add("deleteMessage", (*Server).deleteMessage)
	add("deleteMessages", (*Server).deleteMessages)
	add("sendChatAction", (*Server).sendChatAction)
	add("answerCallbackQuery", (*Server).answerCallbackQuery)
	add("setMyCommands", (*Server).setMyCommands)
	add("getMyCommands", (*Server).getMyCommands)
	add("deleteMyCommands", (*Server).deleteMyCommands)
	add("setMyDescription", setDescription("description", 512))
	add("getMyDescription", getDescription("description"))
	add("setMyShortDescription", setDescription("short_description", 120))
	add("getMyShortDescription", getDescription("short_description"))
	add("setChatMenuButton", isTrue)
	return m
}()

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	token, method, found := splitPath(hr.URL.Path)
	if !found {
		writeReply(w, fail(http.StatusNotFound, "Not Found"))
		return
	}
	if token != s.token {
		writeReply(w, fail(http.StatusUnauthorized, "Unauthorized"))
		return
	}
	params, files, err := parseRequest(hr)
	if err != nil {
		writeReply(w, badRequest(err.Error()))
		return
	}
	h, known := handlers[strings.ToLower(method)]
	if known {
		method = h.name
	}
	key := strings.ToLower(method)

	call := Call{Method: method, Params: params, Files: files, At: time.Now()}
	s.mu.Lock()
	s.lastCall++
	seq := s.lastCall
	s.inflight[seq] = call
	rep, faulted := s.takeFaultLocked(key)
	if !faulted && known {
		if id, err := strconv.ParseInt(params["chat_id"], 10, 64); err == nil && s.blocked[id] {
			rep, faulted = fail(http.StatusForbidden, blockedDesc), true
		}
	}
	if !faulted && known {
		rep, faulted = s.migratedLocked(key, params)
	}
	hang := s.hangs[key]
	s.mu.Unlock()

	switch {
	case faulted:
	case !known:
		rep = fail(http.StatusNotFound, "Not Found: method not found")
	default:
		rep = h.fn(s, &request{ctx: hr.Context(), p: params, files: files})
	}

	// Record the call once its effects are in place, so that WaitFor
	// callers can inspect Messages right after seeing it.
	call.Code = rep.code
	s.mu.Lock()
	delete(s.inflight, seq)
	if !s.noRecord {
		s.calls = append(s.calls, call)
	}
	s.notifyLocked()
	hook := s.onCall
	s.mu.Unlock()
	if hook != nil {
		hook(call)
	}

	if hang > 0 {
		t := time.NewTimer(hang)
		select {
		case <-t.C:
		case <-hr.Context().Done():
		case <-s.done:
		}
		t.Stop()
	}
	if hr.Context().Err() != nil {
		return // the client is gone; its side effects stay, like on Telegram
	}
	writeReply(w, rep)
}

// splitPath splits "/bot<token>/[test/]<method>".
func splitPath(p string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	if !found || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

// parseRequest reads query, multipart, urlencoded or JSON parameters, like the Bot API accepts.
func parseRequest(hr *http.Request) (map[string]string, map[string][]byte, error) {
	params := map[string]string{}
	var files map[string][]byte
	for k, v := range hr.URL.Query() {
		params[k] = v[0]
	}
	body, err := io.ReadAll(hr.Body)
	if err != nil || len(body) == 0 {
		return params, nil, err
	}
	ct, ctParams, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(body), ctParams["boundary"]).ReadForm(64 << 20)
		if err != nil {
			return nil, nil, fmt.Errorf("can't parse multipart form: %v", err)
		}
		defer func() { _ = form.RemoveAll() }()
		for k, v := range form.Value {
			params[k] = v[0]
		}
		for k, fhs := range form.File {
			f, err := fhs[0].Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			_ = f.Close()
			if err != nil {
				return nil, nil, err
			}
			if files == nil {
				files = map[string][]byte{}
			}
			params[k], files[k] = fhs[0].Filename, data
		}
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, nil, fmt.Errorf("can't parse JSON body: %v", err)
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(raw)
			}
		}
	default:
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("can't parse form: %v", err)
		}
		for k, v := range vals {
			params[k] = v[0]
		}
	}
	return params, files, nil
}

func writeReply(w http.ResponseWriter, rep reply) {
	w.Header().Set("Content-Type", "application/json")
	type params struct {
		RetryAfter      int   `json:"retry_after,omitempty"`
		MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	}
	type body struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result,omitempty"`
		ErrorCode   int             `json:"error_code,omitempty"`
		Description string          `json:"description,omitempty"`
		Parameters  *params         `json:"parameters,omitempty"`
	}
	var result json.RawMessage
	if rep.code == 0 {
		raw, err := json.Marshal(rep.result)
		if err != nil {
			rep = fail(http.StatusInternalServerError, "Internal Server Error: "+err.Error())
		}
		result = raw
	}
	b := body{OK: rep.code == 0, ErrorCode: rep.code, Description: rep.desc}
	status := http.StatusOK
	if rep.code == 0 {
		b.Result = result
	} else {
		status = rep.code
		if rep.retryAfter > 0 || rep.migrateTo != 0 {
			b.Parameters = &params{RetryAfter: rep.retryAfter, MigrateToChatID: rep.migrateTo}
		}
	}
	out, _ := json.Marshal(b)
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
