package webapp

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testToken  = "123456:SECRET-webapp-token"
	otherToken = "654321:SECRET-other-bot"
)

var testClock = time.Date(2026, time.November, 25, 9, 0, 0, 0, time.UTC)

func initFields(at time.Time, user string) url.Values {
	f := url.Values{
		"query_id":      {"AAHdF6IQAAAAAN0XohDhrOrc"},
		"auth_date":     {strconv.FormatInt(at.Unix(), 10)},
		"chat_type":     {"sender"},
		"chat_instance": {"-4213"},
	}
	if user != "" {
		f.Set("user", user)
	}
	return f
}

const annaJSON = `{"id":42,"first_name":"Anna","username":"anna","language_code":"ru"}`

// reorder writes the pairs of a query string in reverse order.
func reorder(raw string) string {
	parts := strings.Split(raw, "&")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "&")
}

func TestVerify(t *testing.T) {
	valid := Sign(testToken, initFields(testClock.Add(-10*time.Minute), annaJSON))
	tamperedHash := strings.Replace(valid, "hash=", "hash=0", 1)
	tamperedHash = tamperedHash[:len(tamperedHash)-1]
	tamperedUser := strings.Replace(valid, "%22id%22%3A42", "%22id%22%3A43", 1)
	require.NotEqual(t, valid, tamperedUser)

	tests := []struct {
		name   string
		raw    string
		token  string
		wantOK bool
	}{
		{"valid", valid, testToken, true},
		{"reordered fields", reorder(valid), testToken, true},
		{"tampered hash", tamperedHash, testToken, false},
		{"tampered user", tamperedUser, testToken, false},
		{"no hash", strings.Split(valid, "&hash=")[0], testToken, false},
		{"expired", Sign(testToken, initFields(testClock.Add(-61*time.Minute), annaJSON)), testToken, false},
		{"from the future", Sign(testToken, initFields(testClock.Add(10*time.Minute), annaJSON)), testToken, false},
		{"other bot's token", Sign(otherToken, initFields(testClock.Add(-time.Minute), annaJSON)), testToken, false},
		{"missing user", Sign(testToken, initFields(testClock.Add(-time.Minute), "")), testToken, false},
		{"user without id", Sign(testToken, initFields(testClock.Add(-time.Minute), `{"first_name":"Anna"}`)), testToken, false},
		{"field given twice", valid + "&chat_type=group", testToken, false},
		{"empty", "", testToken, false},
		{"too long", valid + "&x=" + strings.Repeat("a", maxInitData), testToken, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.raw, tt.token, time.Hour, testClock)
			if !tt.wantOK {
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrInitData))
				assert.NotContains(t, err.Error(), tt.token)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, int64(42), got.User.ID)
			assert.Equal(t, "anna", got.User.Username)
			assert.Equal(t, "ru", got.User.LanguageCode)
			assert.Equal(t, testClock.Add(-10*time.Minute).Unix(), got.AuthDate.Unix())
		})
	}
}

// TestVerifyKnownVector pins the derivation against a vector computed by
// outside Go from the Bot API's description (Python's hmac module), so that
// Sign and Verify cannot agree on a wrong scheme.
func TestVerifyKnownVector(t *testing.T) {
	fields := url.Values{"auth_date": {"1700000000"}, "user": {`{"id":1}`}}
	assert.Equal(t, "auth_date=1700000000\nuser={\"id\":1}", dataCheckString(fields))
	got := sign(secretKey("1:T"), fields)
	assert.Equal(t, "2496fd4b79b9411a98331845bb05d8cfc1fc13dfb4b2147d6cd56ece88ade872", got)
	_, err := Verify(Sign("1:T", fields), "1:T", time.Hour, time.Unix(1700000000+60, 0))
	require.NoError(t, err)
}
