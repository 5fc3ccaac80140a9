package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHealth: the image's probe exits 0 on 200 and 1 otherwise.
func TestHealth(t *testing.T) {
	for name, status := range map[string]int{"ok": http.StatusOK, "unready": http.StatusServiceUnavailable} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
			defer srv.Close()
			code, _, stderr := run(t, env{}, "health", "--url", srv.URL+"/healthz")
			if status == http.StatusOK {
				assert.Equal(t, exitOK, code, stderr)
			} else {
				assert.Equal(t, exitError, code)
				requireOneLine(t, stderr, "503")
			}
		})
	}
	code, _, _ := run(t, env{}, "health", "--url", "http://127.0.0.1:1/healthz")
	assert.Equal(t, exitError, code, "nothing listening")
}
