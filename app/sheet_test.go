package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

func newApp(t *testing.T) *app.App {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "specbot.db"))
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	t.Cleanup(func() { db.Close() })
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	engine := dialogs.NewEngine(eligibility.DefaultCatalog(), loc)
	engine.Now = func() time.Time { return time.Date(2026, time.November, 25, 12, 0, 0, 0, loc) }
	return &app.App{DB: db, Engine: engine}
}

// fullSheet is a partner with two certified employees that meets every
// condition of the five specializations.
func fullSheet() dialogs.SheetInput {
	return dialogs.SheetInput{
		Company: "Cloud Integrator LLC",
		Specs:   []string{"infrastructure", "devops", "data_platform", "ml_ai", "security_compliance"},
		Answers: map[string]string{
			"f:partner_agreement":                       "yes",
			"f:business_plan":                           "yes",
			"f:verified_solutions.infrastructure":       "1",
			"f:verified_solutions.devops":               "1",
			"f:verified_solutions.data_platform":        "1",
			"f:verified_solutions.ml_ai":                "1",
			"f:verified_solutions.security_compliance":  "1",
			"f:consumption_rub_year.infrastructure":     "12,5 млн",
			"f:consumption_rub_year.devops":             "2 mln",
			"f:consumption_rub_year.data_platform":      "₽2M",
			"f:architect_interview.infrastructure":      "passed",
			"f:architect_interview.devops":              "passed",
			"f:architect_interview.data_platform":       "passed",
			"f:architect_interview.security_compliance": "passed",
			"f:brand_voice_projects.premium":            "1",
			"f:projects_per_year.security_compliance":   "2",
		},
		Employees: []eligibility.Employee{
			{Name: "Anna", Certs: []string{"cloud_service_engineer", "infrastructure_protection", "gitops_deployment",
				"devsecops_cicd", "enterprise_analytics_platform", "cloud_compliance"}},
			{Name: "Oleg", Certs: []string{"cloud_service_engineer", "managed_clickhouse"}},
		},
	}
}

var anna = app.Who{ChatID: 42, UserID: 42, Username: "anna", Name: "Anna Petrova", LangCode: "ru"}

func TestSheetOfANewUser(t *testing.T) {
	a := newApp(t)
	sheet, err := a.Sheet(context.Background(), anna)
	require.NoError(t, err)
	assert.Equal(t, "ru", sheet.Lang)
	assert.Len(t, sheet.Answers.Specs, 5, "every specialization is chosen until the partner says otherwise")
	assert.Empty(t, sheet.Answers.Answers)
	require.NotEmpty(t, sheet.Form.Fields)
	keys := map[string]dialogs.SheetField{}
	for _, f := range sheet.Form.Fields {
		keys[f.Key] = f
	}
	money := keys["f:consumption_rub_year.devops"]
	assert.Equal(t, eligibility.FactMoney, money.Type)
	assert.Contains(t, money.Question, "DevOps")
	assert.Contains(t, money.Hint, "12,5 млн", "the chat's example")
	assert.Equal(t, []string{"devops"}, money.Specs)
	assert.Len(t, keys["f:partner_agreement"].Specs, 5)
	assert.Len(t, keys["f:architect_interview.infrastructure"].Options, 4)
	assert.Len(t, sheet.Form.Certs, 8)
	assert.NotContains(t, sheet.Form.EmployeesSpecs, "ml_ai")

	_, err = a.DB.Partner(context.Background(), anna.ChatID)
	assert.ErrorIs(t, err, store.ErrNotFound, "opening the sheet stores nothing")
}

func TestPreviewSheet(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	in := fullSheet()
	p, err := a.PreviewSheet(ctx, anna, in)
	require.NoError(t, err)
	require.Empty(t, p.Errors)
	require.Len(t, p.Statuses, 5)
	for _, s := range p.Statuses {
		assert.Equal(t, eligibility.Eligible, s.Status, s.Spec)
	}
	assert.NotEmpty(t, p.Window)

	in.Answers["f:consumption_rub_year.devops"] = "1,5 млн"
	in.Answers["f:consumption_rub_year.infrastructure"] = "много"
	in.Answers["f:verified_solutions.ml_ai"] = "-1"
	in.Employees = append(in.Employees, eligibility.Employee{Name: " anna "})
	p, err = a.PreviewSheet(ctx, anna, in)
	require.NoError(t, err)
	byField := map[string]string{}
	for _, e := range p.Errors {
		byField[e.Field] = e.Message
	}
	assert.Contains(t, byField["f:consumption_rub_year.infrastructure"], "Введите сумму в рублях")
	assert.Contains(t, byField["f:verified_solutions.ml_ai"], "отрицательн")
	assert.Contains(t, byField["employees.2"], "anna")
	devops := p.Statuses[1]
	assert.Equal(t, "devops", devops.Spec)
	assert.Equal(t, eligibility.NotEligible, devops.Status)
	assert.Contains(t, devops.Text, "500 000 ₽", "the gap in rubles")
	assert.NotContains(t, devops.Text, "<b>", "plain text for the panel")

	in.Specs = []string{"devops"}
	p, err = a.PreviewSheet(ctx, app.Who{ChatID: 43, UserID: 43, LangCode: "en"}, in)
	require.NoError(t, err)
	require.Len(t, p.Statuses, 1)
	assert.Contains(t, p.Statuses[0].Text, "500,000")
	for _, e := range p.Errors {
		assert.NotEqual(t, "f:consumption_rub_year.infrastructure", e.Field, "a fact of a specialization not chosen is not read")
	}
}

func TestSubmitSheet(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()

	bad := fullSheet()
	bad.Answers["f:consumption_rub_year.devops"] = "two million dollars"
	res, err := a.SubmitSheet(ctx, anna, bad)
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "f:consumption_rub_year.devops", res.Errors[0].Field)
	assert.Empty(t, res.Messages)
	_, err = a.DB.Partner(ctx, anna.ChatID)
	assert.ErrorIs(t, err, store.ErrNotFound, "a sheet with errors stores nothing")

	res, err = a.SubmitSheet(ctx, anna, fullSheet())
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	assert.Equal(t, anna.ChatID, res.ChatID)
	assert.NotZero(t, res.ReportID)
	require.NotEmpty(t, res.Messages)
	verdict := res.Messages[0].Text
	assert.Contains(t, verdict, "Security Compliance")
	assert.Equal(t, 5, strings.Count(verdict, "✅ <b>"), verdict)
	assert.False(t, res.Messages[0].Edit)

	p, err := a.DB.Partner(ctx, anna.ChatID)
	require.NoError(t, err)
	assert.Equal(t, "ru", p.Lang)
	assert.Equal(t, "anna", p.Username)
	assert.Equal(t, "Cloud Integrator LLC", p.Company)
	r, err := a.DB.LatestReport(ctx, anna.ChatID)
	require.NoError(t, err)
	assert.Len(t, r.Statuses, 5)
	var facts map[string]any
	factsData, err := json.Marshal(r.Facts)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(factsData, &facts))
	assert.Equal(t, map[string]any{"infrastructure": 12500000.0, "devops": 2000000.0, "data_platform": 2000000.0}, facts["consumption_rub_year"])
	assert.Len(t, facts["employees"], 2)

	// The sheet opens again with what was saved.
	sheet, err := a.Sheet(ctx, anna)
	require.NoError(t, err)
	assert.Equal(t, "12 500 000", sheet.Answers.Answers["f:consumption_rub_year.infrastructure"])
	assert.Equal(t, "passed", sheet.Answers.Answers["f:architect_interview.devops"])
	assert.Len(t, sheet.Answers.Employees, 2)
	for _, s := range sheet.Preview.Statuses {
		assert.Equal(t, eligibility.Eligible, s.Status)
	}

	// A second submission compares with the first, as the chat does.
	again := fullSheet()
	again.Answers["f:consumption_rub_year.devops"] = "1 млн"
	res, err = a.SubmitSheet(ctx, anna, again)
	require.NoError(t, err)
	assert.Contains(t, res.Messages[0].Text, "2 млн ₽ → 1 млн ₽")
}

// TestTurnsOfOneChatAreSerialised: a Mini App submit can arrive at the same
// moment as another submit or a chat message of the same chat; each turn
// reads what the one before it saved, so none is lost. Eight sheets
// submitted at once count as eight checks, and the chat's own answer given
// in the same instant is kept.
func TestTurnsOfOneChatAreSerialised(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n+1)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := a.SubmitSheet(ctx, anna, fullSheet())
			if err == nil && len(res.Errors) > 0 {
				err = fmt.Errorf("sheet refused: %v", res.Errors)
			}
			errs <- err
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := a.Handle(ctx, anna, dialogs.Input{Button: "g:l:en"}, 0, 0)
		errs <- err
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	s, err := a.DB.Session(ctx, anna.ChatID)
	require.NoError(t, err)
	assert.Equal(t, n, s.Checks, "every submitted sheet counted")
	assert.Equal(t, "en", s.Lang, "the chat's answer given in the same instant is kept")
	reports, err := a.DB.Reports(ctx, anna.ChatID, 0)
	require.NoError(t, err)
	assert.Len(t, reports, n)
}

// TestExportKeptCompressedInTheOutbox: an export waiting in the outbox is
// stored compressed and comes back byte for byte, so a restart sends the
// same file, and a large export does not swell the database or the memory.
func TestExportKeptCompressedInTheOutbox(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	data := []byte("\ufeffchat_id,company\n" + strings.Repeat("42,Cloud Integrator LLC\n", 20_000))
	o, err := a.Answer(ctx, 0, -100, nil, &app.Document{Name: "specbot.csv", Data: data, Caption: "Export"})
	require.NoError(t, err)
	require.NotZero(t, o.ID)
	unsent, err := a.Unsent(ctx, -100, 0)
	require.NoError(t, err)
	require.Len(t, unsent, 1)
	require.NoError(t, unsent[0].Err)
	require.NotNil(t, unsent[0].Document)
	got, err := unsent[0].Document.Contents()
	require.NoError(t, err)
	assert.Equal(t, data, got, "the same file after a restart")
	assert.Equal(t, "specbot.csv", unsent[0].Document.Name)
	assert.Less(t, len(unsent[0].Document.Data), len(data)/10, "kept compressed in memory until it is sent")
	stored, err := a.DB.PendingOutbound(ctx, -100, 0)
	require.NoError(t, err)
	require.Len(t, stored, 1)
	assert.Less(t, len(stored[0].Payload), len(data)/10, "stored compressed")
}

// TestSheetMonthEarned: each certificate of the Mini App's register may
// carry the month it was earned, read by the chat's parser: a bad month
// and a month to come are refused with an error naming the person and the
// certificate, in the user's language, and nothing is stored; a good one is
// stored with the register and shown again when the sheet reopens.
func TestSheetMonthEarned(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	for _, tc := range []struct {
		month, field, want string
	}{
		{"апрель", "employees.1.earned.managed_clickhouse", "Oleg, «Managed Service for ClickHouse®»: это не месяц"},
		{"2027-01", "employees.0.earned.cloud_service_engineer", "Anna, «Инженер облачных сервисов»: этот месяц ещё не наступил"},
	} {
		bad := fullSheet()
		i := 0
		if strings.HasPrefix(tc.field, "employees.1") {
			i = 1
		}
		cert := tc.field[strings.LastIndex(tc.field, ".")+1:]
		bad.Employees[i].Earned = map[string]string{cert: tc.month}
		res, err := a.SubmitSheet(ctx, anna, bad)
		require.NoError(t, err)
		require.Len(t, res.Errors, 1, tc.month)
		assert.Equal(t, tc.field, res.Errors[0].Field)
		assert.Contains(t, res.Errors[0].Message, tc.want)
		_, err = a.DB.Partner(ctx, anna.ChatID)
		assert.ErrorIs(t, err, store.ErrNotFound, "a sheet with a bad month stores nothing")
	}

	good := fullSheet()
	good.Employees[0].Earned = map[string]string{"cloud_service_engineer": "2025-04", "infrastructure_protection": " "}
	good.Employees[1].Earned = map[string]string{"cloud_compliance": "2025-01"} // a certificate not ticked
	res, err := a.SubmitSheet(ctx, anna, good)
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	r, err := a.DB.LatestReport(ctx, anna.ChatID)
	require.NoError(t, err)
	require.Len(t, r.Facts.Employees, 2)
	assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04"}, r.Facts.Employees[0].Earned)
	assert.Empty(t, r.Facts.Employees[1].Earned)

	sheet, err := a.Sheet(ctx, anna)
	require.NoError(t, err)
	require.Len(t, sheet.Answers.Employees, 2)
	assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04"}, sheet.Answers.Employees[0].Earned, "the month opens prefilled")
}
