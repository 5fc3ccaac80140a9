//go:build race

package bot_test

// raceDetector is set when the tests run under the race detector, which
// makes every turn several times slower: a bound on latency then measures
// the detector, not the bot.
const raceDetector = true
