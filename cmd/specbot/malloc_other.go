//go:build !linux || !cgo

package main

// limitMallocArenas has nothing to do without glibc.
func limitMallocArenas(func(string) string) {}
