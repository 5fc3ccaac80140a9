// Package dialogs is the conversation engine of specbot, free of any
// transport: a serialisable Session and an Engine that turns (session, input)
// into (new session, messages with buttons, effects for the caller to store).
//
// The check flow is generated from the rules catalogue: it asks only for the
// facts the chosen specializations read and, of those, only the ones whose
// answer can still change a verdict (skip.go walks the condition tree), one
// question at a time, with Back, "I don't know" and Cancel on every question
// (typed forms of the buttons work too), then a summary where any answer can
// be changed, then the verdict from eligibility.Evaluate. A check starts
// from the answers the bot already has, each one tap to keep.
//
// Buttons carry a short payload ("12:y") whose number is the session's
// question sequence: a button from an older question is recognised as stale
// and never recorded as an answer.
package dialogs
