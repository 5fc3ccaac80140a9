package main

import (
	"context"
	"io"
)

func runRemind(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return fail(stderr, exitError, "remind: not built yet")
}
