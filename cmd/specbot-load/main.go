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
	pacedOnly := flag.Bool("paced-only", false, "run only the paced latency round (with --cpuprofile, profile it)")
	flag.Parse()

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
	echo, err := runEcho(ctx, *partners, *echoMsgs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo run:", err)
		os.Exit(1)
	}
	echo.print("echo bot (go-telegram/bot, no storage)")

	full, err := runSpecbot(ctx, *botPath, *partners, 0, *seed, *keep, *cpuProfile, *allocProfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "specbot run:", err)
		os.Exit(1)
	}
	full.print(fmt.Sprintf("specbot serve, saturated: every partner acts as soon as it gets a reply; %d partners stored before, then /stats and /export", *seed))

	calls := *echoCalls
	if calls <= 0 {
		calls = max(1, full.callsPerUpdate())
	}
	durable, err := runDurableEcho(ctx, *partners, *echoMsgs, calls, *keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "durable echo run:", err)
		os.Exit(1)
	}
	durable.print(fmt.Sprintf("durable echo bot (go-telegram/bot, one SQLite commit and %.2f Bot API calls per update)", calls))

	var pacedRes *result
	if *paced {
		pacedRes, err = runSpecbot(ctx, *botPath, *partners, *think, 0, *keep, "", "")
		if err != nil {
			fmt.Fprintln(os.Stderr, "specbot paced run:", err)
			os.Exit(1)
		}
		pacedRes.print(fmt.Sprintf("specbot serve, paced: each partner acts %v after a reply", *think))
	} else {
		pacedRes = &result{}
	}

	fmt.Printf("summary\n")
	fmt.Printf("  throughput ratio specbot/echo (saturated): %.2f (target >= 0.50)\n", full.rate()/echo.rate())
	fmt.Printf("  throughput ratio specbot/durable echo (saturated): %.2f (target >= 0.80)\n", full.rate()/durable.rate())
	fmt.Printf("  p99 update-to-reply, paced: %v (target < 20ms); saturated: %v\n",
		pacedRes.percentile(99).Round(10*time.Microsecond), full.percentile(99).Round(time.Millisecond))
	errs, lost := full.errors+pacedRes.errors+durable.errors, full.lost+pacedRes.lost+durable.lost
	fmt.Printf("  errors: %d, lost answers: %d (target 0 and 0)\n", errs, lost)
	fmt.Printf("  specbot peak RSS: %.1f MB\n", float64(max(full.peakRSS, pacedRes.peakRSS))/(1<<20))
	if errs > 0 || lost > 0 {
		os.Exit(1)
	}
}
