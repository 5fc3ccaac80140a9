package bot_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBusinessMetrics: a check to its verdict counts one finished check and
// one verdict per specialization; the last Bot API success is recent; no
// series carries a chat id or a name.
func TestBusinessMetrics(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	p.mlCheck("Acme & Co", "100 000")
	p.verdict()
	h.settle()

	started, err := h.metric("specbot_checks_started_total")
	require.NoError(t, err)
	assert.Equal(t, 1.0, started, "one check begun")
	depth, err := h.metric("specbot_reminder_outbox_depth")
	require.NoError(t, err)
	assert.Equal(t, 0.0, depth, "no reminder waits")
	finished, err := h.metric("specbot_checks_finished_total")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, finished, 1.0)
	verdicts, err := h.metric("specbot_verdicts_total")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, verdicts, 1.0)
	last, err := h.metric("specbot_telegram_last_success_timestamp_seconds")
	require.NoError(t, err)
	assert.InDelta(t, float64(time.Now().Unix()), last, 60)

	resp, err := http.Get("http://" + h.addr + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, name := range []string{
		`specbot_verdicts_total{specialization="ml_ai",status=`, "specbot_handoffs_total", "specbot_handoff_time_to_take_seconds",
		"specbot_relayed_messages_total", `specbot_reminders_total{result="unreachable"}`, "specbot_updates_parked_total",
		"specbot_telegram_last_success_timestamp_seconds",
	} {
		assert.Contains(t, text, name)
	}
	for _, personal := range []string{"42", "Alice", "Acme"} {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "specbot_") && strings.Contains(line, "{") {
				labels := line[strings.Index(line, "{"):strings.Index(line, "}")]
				assert.NotContains(t, labels, personal, "no personal data in labels: %s", line)
			}
		}
	}
}
