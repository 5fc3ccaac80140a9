package bot

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTTPServerClosesSlowAndIdleConnections: a request whose body trickles
// in is cut off at the read timeout, and a keep-alive connection left idle
// is closed at the idle timeout.
func TestHTTPServerClosesSlowAndIdleConnections(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})
	srv := newHTTPServer(mux, HTTPTimeouts{Read: 300 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	closedWithin := func(t *testing.T, c net.Conn, limit time.Duration) {
		t.Helper()
		start := time.Now()
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		r := bufio.NewReader(c)
		for {
			if _, err := r.ReadByte(); err != nil {
				var ne net.Error
				if assert.Error(t, err) && (!asNetErr(err, &ne) || !ne.Timeout()) {
					break // closed by the server
				}
				t.Fatalf("the server kept the connection open for 5 s")
			}
		}
		assert.Less(t, time.Since(start), limit)
	}

	t.Run("slow body", func(t *testing.T) {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
		go func() {
			for range 50 {
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		closedWithin(t, c, 3*time.Second)
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		closedWithin(t, c, 3*time.Second)
	})
}

func asNetErr(err error, target *net.Error) bool {
	ne, ok := err.(net.Error)
	if ok {
		*target = ne
	}
	return ok
}
