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
// and never recorded as an answer. Ticking a checklist edits the same
// question and keeps its number, so that every tick counts however fast
// the partner taps; a second tap on a button that has just acted (a double
// tap on Done, Show the verdict, Contact my account manager) gets only a
// short notice (Session.Tap).
//
// The check is one living message: a question answered by a button becomes
// the next question in place, with the answer given on top ("✔️ Yes"), so
// that an answer costs one edit; a typed answer gets the next question as a
// new message (fold.go).
package dialogs
