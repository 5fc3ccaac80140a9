// Command specbot-load measures specbot under load: it starts a fake Bot API
// server on 127.0.0.1, runs a bare go-telegram/bot echo bot against it as a
// baseline (the library's ceiling), then runs the real `specbot serve`
// binary against it while N simulated partners each complete a whole check
// with button presses and typed amounts, then a second echo bot that makes
// one durable SQLite commit and as many Bot API calls per update as
// specbot made (the design's ceiling). It reports updates per second,
// update-to-reply latency percentiles, errors, lost answers and the bot's
// peak RSS.
//
//	go build -o bin/specbot ./cmd/specbot && go run ./cmd/specbot-load --bot bin/specbot --partners 200
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	partners := flag.Int("partners", 200, "simulated partners chatting at once")
	botPath := flag.String("bot", "bin/specbot", "path to the specbot binary to measure")
	echoMsgs := flag.Int("echo-messages", 24, "messages each partner sends to the echo bot (about one check's updates)")
	timeout := flag.Duration("timeout", 3*time.Minute, "give up a run after this long")
	keep := flag.Bool("keep", false, "keep the run's database and logs")
	seed := flag.Int("seed", 10000, "partners stored before the saturated run (memory with many partners)")
	think := flag.Duration("think", time.Second, "pause between a partner's actions in the latency run (people read and tap)")
	echoCalls := flag.Float64("echo-calls", 0, "Bot API calls per update of the durable echo bot; 0: as many as specbot made in the saturated run")
	cpuProfile := flag.String("cpuprofile", "", "write the bot's CPU profile of the saturated run to this file")
	allocProfile := flag.String("allocprofile", "", "write the bot's allocations in the saturated run to this file")
	paced := flag.Bool("paced", true, "run the paced latency round")
	rounds := flag.Int("rounds", 3, "times the echo, specbot and durable echo runs are made in turn; the ratios are the medians")
	pacedOnly := flag.Bool("paced-only", false, "run only the paced latency round (with --cpuprofile, profile it)")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "--rounds: want 1 or more")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	fmt.Printf("specbot load test: %d partners at once\n\n", *partners)
	if *pacedOnly {
		res, err := runSpecbot(ctx, *botPath, *partners, *think, 0, *keep, *cpuProfile, *allocProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "specbot paced run:", err)
			os.Exit(1)
		}
		res.print(fmt.Sprintf("specbot serve, paced: each partner acts %v after a reply", *think))
		if res.errors > 0 || res.lost > 0 {
			os.Exit(1)
		}
		return
	}
	// The machine's speed drifts from one second to the next (other
	// tenants of the host): the three bots are measured in turn, rounds
	// times, and each ratio is the median of the rounds' ratios, each
	// taken between runs a few seconds apart.
	var echoes, fulls, durables []*result
	calls := *echoCalls
	for round := 1; round <= *rounds; round++ {
		suffix := ""
		if *rounds > 1 {
			suffix = fmt.Sprintf(", round %d of %d", round, *rounds)
		}
		settle()
		echo, err := runEcho(ctx, *partners, *echoMsgs)
		if err != nil {
			fmt.Fprintln(os.Stderr, "echo run:", err)
			os.Exit(1)
		}
		echo.print("echo bot (go-telegram/bot, no storage)" + suffix)

		settle()
		full, err := runSpecbot(ctx, *botPath, *partners, 0, *seed, *keep, profileOf(*cpuProfile, round), profileOf(*allocProfile, round))
		if err != nil {
			fmt.Fprintln(os.Stderr, "specbot run:", err)
			os.Exit(1)
		}
		full.print(fmt.Sprintf("specbot serve, saturated: every partner acts as soon as it gets a reply; %d partners stored before, then /stats and /export", *seed) + suffix)

		if calls <= 0 {
			calls = max(1, full.callsPerUpdate())
		}
		settle()
		durable, err := runDurableEcho(ctx, *partners, *echoMsgs, calls, *keep)
		if err != nil {
			fmt.Fprintln(os.Stderr, "durable echo run:", err)
			os.Exit(1)
		}
		durable.print(fmt.Sprintf("durable echo bot (go-telegram/bot, one SQLite commit and %.2f Bot API calls per update)", calls) + suffix)
		echoes, fulls, durables = append(echoes, echo), append(fulls, full), append(durables, durable)
	}

	var pacedRes *result
	if *paced {
		var err error
		settle()
		pacedRes, err = runSpecbot(ctx, *botPath, *partners, *think, 0, *keep, "", "")
		if err != nil {
			fmt.Fprintln(os.Stderr, "specbot paced run:", err)
			os.Exit(1)
		}
		pacedRes.print(fmt.Sprintf("specbot serve, paced: each partner acts %v after a reply", *think))
	} else {
		pacedRes = &result{}
	}

	plain, durable := ratios(fulls, echoes), ratios(fulls, durables)
	fmt.Printf("summary\n")
	fmt.Printf("  throughput ratio specbot/echo (saturated): %.2f (target >= 0.50)%s\n", median(plain), roundsNote(plain))
	fmt.Printf("  throughput ratio specbot/durable echo (saturated): %.2f (target >= 0.80)%s\n", median(durable), roundsNote(durable))
	var p99s []float64
	errs, lost, peak := pacedRes.errors, pacedRes.lost, pacedRes.peakRSS
	for i := range fulls {
		p99s = append(p99s, float64(fulls[i].percentile(99)))
		errs += fulls[i].errors + durables[i].errors + echoes[i].errors
		lost += fulls[i].lost + durables[i].lost
		peak = max(peak, fulls[i].peakRSS)
	}
	fmt.Printf("  p99 update-to-reply, paced: %v (target < 20ms); saturated: %v\n",
		pacedRes.percentile(99).Round(10*time.Microsecond), time.Duration(median(p99s)).Round(time.Millisecond))
	fmt.Printf("  errors: %d, lost answers: %d (target 0 and 0)\n", errs, lost)
	fmt.Printf("  specbot peak RSS: %.1f MB\n", float64(peak)/(1<<20))
	if errs > 0 || lost > 0 {
		os.Exit(1)
	}
}

// ratios are the rounds' throughput ratios of a to b, round by round.
func ratios(a, b []*result) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i].rate() / b[i].rate()
	}
	return out
}

// median is the middle value (the mean of the two middle ones for an even
// count).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// roundsNote lists the rounds' values behind a median.
func roundsNote(v []float64) string {
	if len(v) < 2 {
		return ""
	}
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return "; median of rounds " + strings.Join(parts, ", ")
}

// profileOf names a profile file per round: the first round's keeps the
// name given, so that one round writes where it was asked.
func profileOf(path string, round int) string {
	if path == "" || round == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.%d%s", strings.TrimSuffix(path, ext), round, ext)
}

// settle writes out what earlier runs left in the page cache (their
// databases, tens of megabytes each, written and removed) before the next
// run starts: left to the kernel's writeback, it lands during the next
// run and slows its commits' syncs, the paced round's latency most.
func settle() {
	syscall.Sync()
}
