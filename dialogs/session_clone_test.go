package dialogs

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// fullSession has every field of a Session set.
func fullSession() Session {
	s := NewSession("ru")
	s.Company, s.State, s.Resume, s.Key, s.Sub = "Acme", Checking, Summary, "f:business_plan", empCerts
	s.Specs, s.Picking, s.Prev = []string{specInfra}, []string{specDevOps}, []string{specML}
	s.Answered["f:business_plan"] = true
	s.Draft = &eligibility.Employee{Name: "Ann", Certs: []string{certCSE}, Earned: map[string]string{certCSE: "2026-01"}}
	s.Editing, s.Seq, s.Tap, s.Checks, s.Note, s.Gate, s.GoOn, s.EmpIndex = true, 7, "t", 2, "n", true, true, 1
	s.Facts.Bools[eligibility.Ref{Fact: factPartner}] = true
	s.Facts.Numbers[eligibility.Ref{Fact: factConsume, Key: specInfra}] = 12_000_000
	s.Facts.Employees, s.Facts.EmployeesKnown = []eligibility.Employee{{Name: "Bob", Certs: []string{certProtect}, Earned: map[string]string{certProtect: "2025-12"}}}, true
	s.Base = eligibility.NewFacts()
	s.Base.Numbers[eligibility.Ref{Fact: factConsume, Key: specInfra}] = 1
	return s
}

// TestSessionCloneIsDeep: a clone encodes as the original does, and
// changing everything a clone can share with its original changes only the
// clone.
func TestSessionCloneIsDeep(t *testing.T) {
	orig := fullSession()
	before, err := orig.Encode()
	require.NoError(t, err)

	c := orig.Clone()
	got, err := c.Encode()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(got))

	c.Specs[0], c.Picking[0], c.Prev[0] = "x", "x", "x"
	c.Answered["f:business_plan"] = false
	c.Draft.Name, c.Draft.Certs[0], c.Draft.Earned[certCSE] = "x", "x", "x"
	c.Facts.Bools[eligibility.Ref{Fact: factPartner}] = false
	c.Facts.Numbers[eligibility.Ref{Fact: factConsume, Key: specInfra}] = 0
	c.Facts.Employees[0].Certs[0], c.Facts.Employees[0].Earned[certProtect] = "x", "x"
	c.Base.Numbers[eligibility.Ref{Fact: factConsume, Key: specInfra}] = 0
	after, err := orig.Encode()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the original changed with its clone")

	// A session whose check never set a Base keeps none.
	bare := NewSession("en")
	assert.Nil(t, bare.Clone().Base.Numbers)

	// A field added to Session that can share memory must be copied by
	// Clone, and then listed here.
	copied := map[string]bool{"Specs": true, "Picking": true, "Prev": true, "Answered": true, "Draft": true, "Facts": true, "Base": true}
	st := reflect.TypeFor[Session]()
	for i := range st.NumField() {
		f := st.Field(i)
		switch f.Type.Kind() {
		case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
			assert.True(t, copied[f.Name], "Session.%s can share memory: copy it in Clone", f.Name)
		}
	}
}

func BenchmarkSessionCloneAndDecode(b *testing.B) {
	c := eligibility.DefaultCatalog()
	data, err := fullSession().Encode()
	require.NoError(b, err)
	s, err := DecodeSession(c, data)
	require.NoError(b, err)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeSession(c, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("clone", func(b *testing.B) {
		for b.Loop() {
			_ = s.Clone()
		}
	})
}
