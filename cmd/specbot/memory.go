package main

import "runtime/debug"

// The bot's live Go heap is small (3 to 5 MB under load, 10,000 partners
// stored), so with Go's default GOGC=100 it is collected about a hundred
// times a second under load, and the collector took a sixth of the CPU.
// serve lets the heap grow to three times what is live (GOGC=200) and
// bounds the Go runtime's memory at serveMemoryLimit instead, where the
// collector works harder: that is reached only when a manager's /export or
// /stats walks every partner. Peak RSS stays under 50 MB with 10,000
// partners. An operator's GOGC or GOMEMLIMIT wins over both.
const (
	serveGCPercent   = 200
	serveMemoryLimit = 24 << 20
)

// tuneMemory applies the serve's collector settings unless the environment
// sets its own.
func tuneMemory(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	limitMallocArenas(getenv)
}
