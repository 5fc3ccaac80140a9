package eligibility

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

//go:embed catalogs/*.yaml
var catalogFS embed.FS

// DefaultCatalogFile is the embedded edition used when no catalogue is configured.
const DefaultCatalogFile = "catalogs/default.yaml"

// SpecializationKeys is the value of Fact.KeysFrom for a fact kept per specialization.
const SpecializationKeys = "specializations"

// SpecializationPlaceholder in a common condition's key stands for the id of
// the specialization being evaluated.
const SpecializationPlaceholder = "$specialization"

// FactType is the kind of value a fact holds.
type FactType string

// Fact types a catalogue may declare.
const (
	FactBool      FactType = "bool"      // yes or no
	FactCount     FactType = "count"     // a non-negative whole number of things
	FactMoney     FactType = "money"     // a non-negative whole number of rubles
	FactEnum      FactType = "enum"      // one of Values
	FactEmployees FactType = "employees" // a list of employees with their certificates
)

// Catalog is one edition of the program's rules.
type Catalog struct {
	ID              string            `yaml:"id"`
	Name            Text              `yaml:"name"`
	Languages       []string          `yaml:"languages"`
	Windows         []WindowRule      `yaml:"windows"`
	Certificates    []*Certificate    `yaml:"certificates"`
	Facts           []*Fact           `yaml:"facts"`
	Common          []*Condition      `yaml:"common"`
	Specializations []*Specialization `yaml:"specializations"`

	facts map[string]*Fact
	certs map[string]*Certificate
	specs map[string]*Specialization
}

// WindowRule is a qualification window: the month it opens (on the 1st) and,
// when not every level can be granted in it, the levels it grants.
type WindowRule struct {
	Month  int      `yaml:"month"`
	Name   Text     `yaml:"name"`
	Levels []string `yaml:"levels"`
}

// Certificate is a certification or training an employee can hold.
type Certificate struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	URL  string `yaml:"url"`
	// ValidMonths, when positive, is how long the certificate stays valid
	// after the month it was earned: one that lapses before a window opens
	// does not count for that window. Zero: the program states no limit.
	ValidMonths int `yaml:"valid_months,omitempty"`
}

// Key is one entry of a fact kept as a map, or one value of an enum.
type Key struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
}

// Fact is a piece of information the rules read. A fact with keys is a map
// in the facts file; a fact without is a single value.
type Fact struct {
	ID       string   `yaml:"id"`
	Type     FactType `yaml:"type"`
	Name     Text     `yaml:"name"`
	Question Text     `yaml:"question"`
	Values   []Key    `yaml:"values"`
	Max      int64    `yaml:"max"`
	// NextStep tells a partner what to do when a condition on the fact is
	// not met (who signs, who books); Source where its figure is found when
	// it is not known. Both are optional.
	NextStep Text `yaml:"next_step"`
	Source   Text `yaml:"source"`
	// Keys is either the word "specializations" or a list of keys.
	KeysRaw yaml.Node `yaml:"keys"`

	KeysFrom string `yaml:"-"`
	Keys     []Key  `yaml:"-"`
}

// Keyed reports whether the fact is a map.
func (f *Fact) Keyed() bool { return f.KeysFrom != "" || len(f.Keys) > 0 }

// Specialization is one technology specialization with its levels. A
// specialization written with plain conditions has a single unnamed level.
type Specialization struct {
	ID         string       `yaml:"id"`
	Name       Text         `yaml:"name"`
	Conditions []*Condition `yaml:"conditions"`
	Levels     []*Level     `yaml:"levels"`
}

// Level is one grade of a specialization (Expert, Professional), from the
// lowest to the highest in catalogue order.
type Level struct {
	ID         string       `yaml:"id"`
	Name       Text         `yaml:"name"`
	Conditions []*Condition `yaml:"conditions"`
}

// Condition is one rule. Exactly one operator is set: Is, AtLeast, Exceeds,
// Equals, CountKeys (on a fact), Roles (on the employees), Any or All (on
// nested conditions).
type Condition struct {
	ID        string       `yaml:"id"`
	Name      Text         `yaml:"name"`
	Fact      string       `yaml:"fact"`
	Key       string       `yaml:"key"`
	Is        *bool        `yaml:"is"`
	AtLeast   *int64       `yaml:"at_least"`
	Exceeds   *int64       `yaml:"exceeds"`
	Equals    string       `yaml:"equals"`
	CountKeys *CountKeys   `yaml:"count_keys"`
	Roles     []*Role      `yaml:"roles"`
	Any       []*Condition `yaml:"any"`
	All       []*Condition `yaml:"all"`
}

// CountKeys requires at least AtLeast keys of a map fact whose value exceeds
// Exceeds ("at least two services each above ₽499,999").
type CountKeys struct {
	Exceeds int64 `yaml:"exceeds"`
	AtLeast int   `yaml:"at_least"`
}

// Role is one person a condition needs: an employee holding every
// certificate of AllOf and, when AnyOf is set, at least one of AnyOf. Roles
// of one condition are filled by distinct employees.
type Role struct {
	Name  Text     `yaml:"name"`
	AllOf []string `yaml:"all_of"`
	AnyOf []string `yaml:"any_of"`
}

// Operator names the kind of a condition.
func (c *Condition) Operator() string {
	switch {
	case c.Is != nil:
		return "is"
	case c.AtLeast != nil:
		return "at_least"
	case c.Exceeds != nil:
		return "exceeds"
	case c.Equals != "":
		return "equals"
	case c.CountKeys != nil:
		return "count_keys"
	case len(c.Roles) > 0:
		return "roles"
	case len(c.Any) > 0:
		return "any"
	case len(c.All) > 0:
		return "all"
	}
	return ""
}

// Fact returns the declared fact with that id.
func (c *Catalog) Fact(id string) (*Fact, bool) {
	f, ok := c.facts[id]
	return f, ok
}

// Certificate returns the declared certificate with that id.
func (c *Catalog) Certificate(id string) (*Certificate, bool) {
	cert, ok := c.certs[id]
	return cert, ok
}

// Specialization returns the specialization with that id.
func (c *Catalog) Specialization(id string) (*Specialization, bool) {
	s, ok := c.specs[id]
	return s, ok
}

// FactKeys lists the keys of a map fact, resolving "specializations".
func (c *Catalog) FactKeys(f *Fact) []Key {
	if f.KeysFrom != SpecializationKeys {
		return f.Keys
	}
	keys := make([]Key, len(c.Specializations))
	for i, s := range c.Specializations {
		keys[i] = Key{ID: s.ID, Name: s.Name}
	}
	return keys
}

// HasLevels reports whether any specialization has named levels.
func (c *Catalog) HasLevels() bool {
	for _, s := range c.Specializations {
		if len(s.Levels) > 0 {
			return true
		}
	}
	return false
}

// AllLevels returns the specialization's levels; plain conditions make one
// level with an empty id.
func (s *Specialization) AllLevels() []*Level {
	if len(s.Levels) > 0 {
		return s.Levels
	}
	return []*Level{{Conditions: s.Conditions}}
}

// DefaultCatalog returns the embedded default edition.
func DefaultCatalog() *Catalog {
	data, err := catalogFS.ReadFile(DefaultCatalogFile)
	if err != nil {
		panic(fmt.Sprintf("embedded catalogue: %v", err))
	}
	c, err := ParseCatalog(data)
	if err != nil {
		panic(fmt.Sprintf("embedded catalogue: %v", err))
	}
	return c
}

// LoadCatalog reads and validates the catalogue file at path.
func LoadCatalog(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load catalog %s: %w", path, err)
	}
	c, err := ParseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("load catalog %s: %w", path, err)
	}
	return c, nil
}

// ParseCatalog decodes a catalogue and validates it. A *ValidationError
// lists every problem found.
func ParseCatalog(data []byte) (*Catalog, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ValidationError{Problems: []string{err.Error()}}
	}
	// YAML truncates a fraction written into a whole-number field without
	// a word (at_least: 1.5 reads as 1): find them first.
	problems := fractionProblems(&root, nil)
	var c Catalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		// A type error leaves the rest decoded: validate it too, so that
		// every problem is named at once.
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, &ValidationError{Problems: []string{err.Error()}}
		}
		problems = append(problems, te.Errors...)
	}
	if err := c.validateWith(problems); err != nil {
		return nil, err
	}
	return &c, nil
}

// wholeNumberFields are the catalogue fields that hold whole numbers.
var wholeNumberFields = map[string]bool{"at_least": true, "exceeds": true, "max": true, "month": true}

func fractionProblems(n *yaml.Node, out []string) []string {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if wholeNumberFields[k.Value] && val.Kind == yaml.ScalarNode && val.ShortTag() == "!!float" {
				out = append(out, fmt.Sprintf("line %d: %s: %s is not a whole number", val.Line, k.Value, val.Value))
			}
		}
	}
	for _, child := range n.Content {
		out = fractionProblems(child, out)
	}
	return out
}
