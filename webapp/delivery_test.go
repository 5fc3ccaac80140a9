package webapp_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// submitTo posts a sheet to the running bot's Mini App as the user of
// initData and returns the status and body.
func submitTo(t *testing.T, r *botRun, initData, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+r.addr+"/app/api/submit", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "tma "+initData)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// TestMiniAppVerdictGoesThroughTheOutbox: a sheet submitted in the Mini
// App is answered in the chat with the verdict, in the user's language,
// once, and stored with the sheet: when the Bot API fails the first
// sends (a 5xx that outlasts a round of retries), the verdict waits in
// the outbox and arrives once on the outbox's timer.
func TestMiniAppVerdictGoesThroughTheOutbox(t *testing.T) {
	for _, tc := range []struct{ lang, title string }{{"en", "Your specializations"}, {"ru", "Ваши специализации"}} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			r := startBot(t)
			const chat = 77
			in := `{"specs":["devops"],"answers":{"f:partner_agreement":"yes","f:consumption_rub_year.devops":"2.5 mln"},"employees":[{"name":"Anna","certs":["cloud_service_engineer"]}]}`
			r.srv.FailNext("sendMessage", 5, http.StatusInternalServerError, 0)
			code, body := submitTo(t, r, initFor(token, time.Now(), userJSON(chat, "Oleg", "oleg", tc.lang)), in)
			require.Equal(t, http.StatusOK, code, body)
			assert.Contains(t, body, `"ok":true`, "the sheet is saved, whatever the Bot API does")
			pending, err := r.db.PendingOutbound(context.Background(), chat, 0)
			require.NoError(t, err)
			require.Len(t, pending, 1, "the verdict is kept in the chat's outbox")

			verdict := r.verdictIn(t, chat, tc.title)
			assert.Contains(t, verdict, "DevOps")
			time.Sleep(200 * time.Millisecond)
			n := 0
			for _, m := range r.srv.Messages(chat) {
				if strings.Contains(m.Text, tc.title) {
					n++
				}
			}
			assert.Equal(t, 1, n, "the verdict arrives once")
			r.srv.WaitFor(t, 5*time.Second, func([]telegramtest.Call) bool {
				pending, err := r.db.PendingOutbound(context.Background(), chat, 0)
				return err == nil && len(pending) == 0
			})
		})
	}
}
