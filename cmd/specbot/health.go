package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runHealth probes a running serve's endpoint and exits 0 on 200: the
// image's HEALTHCHECK, which has no curl.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "endpoint to probe (/healthz or /readyz)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if help, err := parseFlags(fs, args, stdout); help {
		return exitOK
	} else if err != nil {
		return fail(stderr, exitUsage, "health: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fail(stderr, exitUsage, "health: --url: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fail(stderr, exitError, "health: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(stderr, exitError, "health: %s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return exitOK
}
