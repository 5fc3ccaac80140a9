package dialogs

import (
	"strconv"
	"strings"
)

// MaxCallbackData is Telegram's limit on a button's payload, in bytes.
const MaxCallbackData = 64

// Payloads of buttons that are valid whatever the question: they start with
// "g:" and carry no sequence number.
const (
	cbGlobal     = "g:"
	cbCheck      = "g:chk"
	cbContact    = "g:m"
	cbReport     = "g:rep"
	cbLangPrefix = "g:l:"
	// cbWelcomeLang switches the language from the welcome, which is then
	// shown again in the language chosen, in place.
	cbWelcomeLang = "g:wl:"
	cbRemindOn    = "g:r:on"
	cbRemindOff   = "g:r:off"
	cbContinue    = "g:go"
	cbRestart     = "g:new"
)

// Actions of question buttons ("<seq>:<action>[:<arg>]").
const (
	actYes      = "y"
	actNo       = "n"
	actValue    = "v"  // enum value index
	actNumber   = "k"  // quick count
	actUnknown  = "dk" // I don't know
	actBack     = "bk"
	actCancel   = "x"
	actToggle   = "t" // toggle item index
	actAll      = "all"
	actNotSure  = "ns"
	actDone     = "ok"
	actAdd      = "add"
	actRemove   = "rm"
	actNone     = "none"
	actEdit     = "e" // summary: change step index
	actVerdict  = "go"
	actKeep     = "keep"
	actSend     = "send"
	actConfirm  = "fy"
	actDecline  = "fn"
	actContinue = "cont"
	actStop     = "stop"
	actKeepAll  = "ka" // keep every earlier answer, go to the summary
)

// callback is a decoded button payload.
type callback struct {
	global string // set for "g:" payloads
	seq    int
	act    string
	arg    string
}

// qb builds the payload of a question button.
func qb(seq int, act string, arg ...string) string {
	s := strconv.Itoa(seq) + ":" + act
	if len(arg) > 0 {
		s += ":" + arg[0]
	}
	return s
}

// parseCallback decodes a payload; ok is false for anything this bot never
// wrote (a forged or truncated payload).
func parseCallback(data string) (callback, bool) {
	if len(data) == 0 || len(data) > MaxCallbackData {
		return callback{}, false
	}
	if strings.HasPrefix(data, cbGlobal) {
		return callback{global: data}, true
	}
	seqStr, rest, ok := strings.Cut(data, ":")
	if !ok {
		return callback{}, false
	}
	// Only the canonical form qb writes: no sign, no leading zeros, no
	// empty argument after a colon.
	seq, err := strconv.Atoi(seqStr)
	if err != nil || seq < 0 || strconv.Itoa(seq) != seqStr {
		return callback{}, false
	}
	act, arg, hasArg := strings.Cut(rest, ":")
	if act == "" || hasArg && arg == "" {
		return callback{}, false
	}
	return callback{seq: seq, act: act, arg: arg}, true
}

// index reads a button's numeric argument within [0, n).
func (cb callback) index(n int) (int, bool) {
	i, err := strconv.Atoi(cb.arg)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}
