package webapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrInitData is wrapped by every reason initData is refused; the caller
// answers 401 and logs the reason, never the data.
var ErrInitData = errors.New("initData refused")

// maxInitData bounds the initData a request may carry (Telegram's is well
// under 1 KiB).
const maxInitData = 4096

// User is the Telegram user initData vouches for.
type User struct {
	ID           int64  `json:"id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
}

// InitData is what a verified Telegram.WebApp.initData says.
type InitData struct {
	User     User
	AuthDate time.Time
}

// secretKey is HMAC_SHA256(key="WebAppData", msg=bot_token), the key every
// initData of the bot is signed with.
func secretKey(token string) []byte {
	m := hmac.New(sha256.New, []byte("WebAppData"))
	m.Write([]byte(token))
	return m.Sum(nil)
}

// dataCheckString is the signed text: every field but hash, sorted by key,
// as key=value lines joined by "\n" (the values URL-decoded).
func dataCheckString(fields url.Values) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "hash" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + fields.Get(k)
	}
	return strings.Join(lines, "\n")
}

// sign is the hash Telegram puts into initData for these fields.
func sign(key []byte, fields url.Values) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(dataCheckString(fields)))
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks initData as the Bot API documents ("Validating data
// received via the Mini App"): the hash is the HMAC-SHA256 of the
// data-check-string under the key derived from the bot token, compared in
// constant time; auth_date is no older than maxAge (nor in the future,
// beyond a minute of clock skew); the user is present with an id.
func Verify(raw, token string, maxAge time.Duration, now time.Time) (InitData, error) {
	if raw == "" || len(raw) > maxInitData {
		return InitData{}, fmt.Errorf("%w: missing or too long", ErrInitData)
	}
	fields, err := url.ParseQuery(raw)
	if err != nil {
		return InitData{}, fmt.Errorf("%w: not a query string", ErrInitData)
	}
	for k, v := range fields {
		if len(v) != 1 {
			return InitData{}, fmt.Errorf("%w: field %q given %d times", ErrInitData, k, len(v))
		}
	}
	got, err := hex.DecodeString(fields.Get("hash"))
	if err != nil || len(got) != sha256.Size {
		return InitData{}, fmt.Errorf("%w: no hash", ErrInitData)
	}
	want, _ := hex.DecodeString(sign(secretKey(token), fields))
	if !hmac.Equal(got, want) {
		return InitData{}, fmt.Errorf("%w: hash does not match", ErrInitData)
	}
	sec, err := strconv.ParseInt(fields.Get("auth_date"), 10, 64)
	if err != nil || sec <= 0 {
		return InitData{}, fmt.Errorf("%w: no auth_date", ErrInitData)
	}
	at := time.Unix(sec, 0)
	if age := now.Sub(at); age > maxAge || age < -time.Minute {
		return InitData{}, fmt.Errorf("%w: auth_date %s is outside %s", ErrInitData, at.UTC().Format(time.RFC3339), maxAge)
	}
	var u User
	if err := json.Unmarshal([]byte(fields.Get("user")), &u); err != nil || u.ID <= 0 {
		return InitData{}, fmt.Errorf("%w: no user", ErrInitData)
	}
	return InitData{User: u, AuthDate: at}, nil
}

// Sign returns initData for fields signed with the bot token, as a Telegram
// client would receive it; the tests and the screenshots use it.
func Sign(token string, fields url.Values) string {
	f := url.Values{}
	for k, v := range fields {
		if k != "hash" {
			f[k] = v
		}
	}
	f.Set("hash", sign(secretKey(token), f))
	return f.Encode()
}
