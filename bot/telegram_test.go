package bot

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
)

// timeout is a request whose answer never came: it went out, and may have
// been applied.
type timeout struct{}

func (timeout) Error() string   { return "i/o timeout" }
func (timeout) Timeout() bool   { return true }
func (timeout) Temporary() bool { return true }

var _ net.Error = timeout{}

// TestCallAmbiguousFailureRetriedAtMostOnce: a request whose answer did not
// come back is tried once more at most when repeating it is harmless (an
// edit, a callback answer) and never when it would show something twice (a
// send); a connection never made is retried like any network failure.
func TestCallAmbiguousFailureRetriedAtMostOnce(t *testing.T) {
	tests := []struct {
		name   string
		method string
		err    error
		tries  int
	}{
		{"a send is not repeated", "sendMessage", timeout{}, 1},
		{"nor an export", "sendDocument", timeout{}, 1},
		{"an edit is tried once more", "editMessageText", timeout{}, 2},
		{"a connection never made is retried", "sendMessage", &net.OpError{Op: "dial", Err: timeout{}}, maxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{metrics: NewMetrics(prometheus.NewRegistry()), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			tries := 0
			err := b.call(context.Background(), tt.method, func(context.Context) error {
				tries++
				return tt.err
			})
			assert.Error(t, err)
			assert.Equal(t, tt.tries, tries)
		})
	}
}
