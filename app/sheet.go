package app

import (
	"context"
	"errors"
	"fmt"

	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// Sheet is the Mini App's fact sheet for one partner: the form in the
// partner's language, prefilled with the current answers, and the verdict
// those answers give.
type Sheet struct {
	Lang    string               `json:"lang"`
	Form    dialogs.SheetForm    `json:"form"`
	Answers dialogs.SheetInput   `json:"answers"`
	Preview dialogs.SheetPreview `json:"preview"`
}

// SheetResult is what a submitted sheet did. With Errors nothing was
// stored; otherwise Messages (the verdict) are for the partner's chat,
// stored in its outbox with the sheet (OutboxID) for the adapter to send.
type SheetResult struct {
	Errors   []dialogs.SheetError
	ChatID   int64
	Messages []dialogs.Message
	ReportID int64
	OutboxID int64
	// Queued is set when notes for the managers were queued with the
	// sheet (the partner has a request, and the check changed something).
	Queued bool
}

// sheetChat is a chat as the sheet needs it: the partner (new when the
// user never wrote to the bot), the session and the language.
type sheetChat struct {
	partner store.Partner
	isNew   bool
	session dialogs.Session
	lang    string
}

func (a *App) loadSheetChat(ctx context.Context, who Who) (sheetChat, error) {
	chat, err := a.DB.Chat(ctx, who.ChatID)
	if err != nil && !errors.Is(err, dialogs.ErrSessionOutdated) {
		return sheetChat{}, err
	}
	sc := sheetChat{partner: chat.Partner, isNew: !chat.Found}
	if sc.isNew {
		sc.partner = store.Partner{ChatID: who.ChatID}
	}
	sc.lang = sc.partner.Lang
	if sc.lang == "" {
		sc.lang = locales.Normalize(who.LangCode)
	}
	if chat.Session != nil {
		// An outdated session keeps what is safe (language, company); the
		// sheet replaces the rest anyway.
		sc.session = *chat.Session
	}
	if sc.session.Version == 0 {
		sc.session = dialogs.NewSession(sc.lang)
	}
	sc.session.Lang = sc.lang
	return sc, nil
}

// sheetPast loads the company's latest check under the current catalogue,
// with the company's current answers, nil when there is none.
func (a *App) sheetPast(ctx context.Context, chatID int64) (*dialogs.Past, error) {
	chat, err := a.DB.Chat(ctx, chatID)
	if err != nil && !errors.Is(err, dialogs.ErrSessionOutdated) {
		return nil, err
	}
	return a.pastOfChat(chat), nil
}

// Sheet returns the form for who, prefilled: with the check in progress
// when there is one, else with the latest completed check, else empty.
func (a *App) Sheet(ctx context.Context, who Who) (Sheet, error) {
	sc, err := a.loadSheetChat(ctx, who)
	if err != nil {
		return Sheet{}, fmt.Errorf("sheet %d: %w", who.ChatID, err)
	}
	s := sc.session
	company := s.Company
	if company == "" {
		company = sc.partner.Company
	}
	answers := a.Engine.SheetAnswers(company, s.Specs, s.Facts, sc.lang)
	if !dialogs.InProgress(s) || len(s.Answered) == 0 {
		past, err := a.sheetPast(ctx, who.ChatID)
		if err != nil {
			return Sheet{}, fmt.Errorf("sheet %d: %w", who.ChatID, err)
		}
		if past != nil {
			answers = a.Engine.SheetAnswers(company, past.Specs, past.Facts, sc.lang)
		}
	}
	if len(answers.Specs) == 0 {
		for _, sp := range a.Engine.Catalog.Specializations {
			answers.Specs = append(answers.Specs, sp.ID)
		}
	}
	return Sheet{
		Lang:    sc.lang,
		Form:    a.Engine.SheetForm(sc.lang),
		Answers: answers,
		Preview: a.Engine.PreviewSheet(answers, sc.lang),
	}, nil
}

// PreviewSheet evaluates a filled sheet without storing anything: each
// chosen specialization's status and gaps, and the answers that cannot be
// read, in who's language.
func (a *App) PreviewSheet(ctx context.Context, who Who, in dialogs.SheetInput) (dialogs.SheetPreview, error) {
	chat, err := a.DB.Chat(ctx, who.ChatID)
	if err != nil {
		return dialogs.SheetPreview{}, fmt.Errorf("preview sheet %d: %w", who.ChatID, err)
	}
	lang := chat.Partner.Lang
	if lang == "" {
		lang = locales.Normalize(who.LangCode)
	}
	return a.Engine.PreviewSheet(in, lang), nil
}

// SubmitSheet completes a check with a filled sheet: the facts, the
// session and the report are stored as one turn of who, exactly as the
// chat's verdict button stores them (a user who never wrote to the bot
// becomes a partner), and the verdict comes back for the chat. A sheet with
// errors stores nothing.
func (a *App) SubmitSheet(ctx context.Context, who Who, in dialogs.SheetInput) (SheetResult, error) {
	defer a.chats.lock(who.ChatID)()
	sc, err := a.loadSheetChat(ctx, who)
	if err != nil {
		return SheetResult{}, fmt.Errorf("submit sheet %d: %w", who.ChatID, err)
	}
	env := dialogs.Env{Reminders: string(sc.partner.Reminders), ContactConfigured: a.ContactConfigured, NewPartner: sc.isNew}
	var pastErr error
	var past *dialogs.Past
	env.LoadPrevious = func() *dialogs.Past {
		past, pastErr = a.sheetPast(ctx, who.ChatID)
		return past
	}
	out, errs := a.Engine.SubmitSheet(sc.session, in, env)
	if pastErr != nil {
		return SheetResult{}, fmt.Errorf("submit sheet %d: %w", who.ChatID, pastErr)
	}
	if len(errs) > 0 {
		return SheetResult{Errors: errs, ChatID: who.ChatID}, nil
	}
	p := sc.partner
	p.Unreachable = false
	if who.UserID != 0 {
		p.UserID = who.UserID
	}
	if who.Username != "" {
		p.Username = who.Username
	}
	if who.Name != "" {
		p.Name = who.Name
	}
	p.Lang = out.Session.Lang
	if out.Session.Company != "" {
		p.Company = out.Session.Company
	}
	st := &store.Turn{Partner: p, Session: &out.Session}
	if out.Report != nil {
		if past == nil {
			past, err = a.sheetPast(ctx, who.ChatID)
			if err != nil {
				return SheetResult{}, fmt.Errorf("submit sheet %d: %w", who.ChatID, err)
			}
		}
		if past != nil && past.Shared {
			// The sheet shows every answer: what differs from the
			// company's answers is what this member changed.
			out.Report.Base = past.Facts
		}
		st.Report = storedReport(out.Report)
		// The managers hear what the new check changed, as after a check
		// in the chat (Recheck), in the same write.
		if st.Queue, err = a.sheetRecheck(ctx, who.ChatID, *st.Report); err != nil {
			a.log().Warn("recheck note", "chat_id", who.ChatID, "err", err)
		}
	}
	if len(out.Messages) > 0 {
		// The verdict is stored with the sheet: the adapter sends it at
		// the chat's pace, and again after a crash.
		if st.Outbox, err = encodeOutbound(0, 0, out.Messages); err != nil {
			return SheetResult{}, fmt.Errorf("submit sheet %d: %w", who.ChatID, err)
		}
	}
	if err := a.DB.SaveTurn(ctx, st); err != nil {
		return SheetResult{}, fmt.Errorf("submit sheet %d: %w", who.ChatID, err)
	}
	res := SheetResult{ChatID: who.ChatID, Messages: out.Messages, Queued: len(st.Queue) > 0}
	if st.Outbox != nil {
		res.OutboxID = st.Outbox.ID
	}
	if st.Report != nil {
		res.ReportID = st.Report.ID
	}
	a.log().Info("fact sheet submitted", "chat_id", who.ChatID, "report_id", res.ReportID, "specs", len(out.Report.Specs))
	return res, nil
}

// sheetRecheck is what Recheck would queue once a sheet's report now is
// stored, for a partner with a request and a managers' chat: the notes
// and the card's sync, to save with the sheet.
func (a *App) sheetRecheck(ctx context.Context, chatID int64, now store.Report) ([]*store.Outbound, error) {
	if a.ManagersChat == nil {
		return nil, nil
	}
	managers := a.ManagersChat()
	if managers == 0 {
		return nil, nil
	}
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	rs, err := a.DB.RecentReports(ctx, chatID, 1)
	if err != nil {
		return nil, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return a.recheckPosts(h, rs[0], now, managers, a.ManagersLang)
}
