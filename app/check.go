package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"specbot/eligibility"
)

// Catalog is the rules edition every use case runs on; cmd loads it once
// at start with LoadCatalog.
type Catalog = eligibility.Catalog

// Report is a self-contained verdict: it renders and encodes without the
// catalogue behind it.
type Report = eligibility.Report

// LoadCatalog reads a catalogue file, or the embedded default for "".
func LoadCatalog(path string) (*Catalog, error) {
	if path == "" {
		return eligibility.DefaultCatalog(), nil
	}
	return eligibility.LoadCatalog(path)
}

// CatalogSummary is what `rules validate` tells of a catalogue that holds.
type CatalogSummary struct {
	ID                                    string
	Specializations, Levels, Facts, Certs int
}

// ValidateRules checks a catalogue file. A catalogue that does not hold
// returns its problems, one line each, with ErrInvalidCatalog; a file that
// cannot be read or parsed returns that error alone.
func ValidateRules(path string) (CatalogSummary, []string, error) {
	c, err := eligibility.LoadCatalog(path)
	if err != nil {
		var ve *eligibility.ValidationError
		if errors.As(err, &ve) {
			return CatalogSummary{}, ve.Problems, ErrInvalidCatalog
		}
		return CatalogSummary{}, nil, err
	}
	s := CatalogSummary{ID: c.ID, Specializations: len(c.Specializations), Facts: len(c.Facts), Certs: len(c.Certificates)}
	for _, spec := range c.Specializations {
		s.Levels += len(spec.AllLevels())
	}
	return s, nil, nil
}

// ErrInvalidCatalog marks a catalogue that parsed but does not hold.
var ErrInvalidCatalog = errors.New("the catalogue does not hold")

// CheckFacts evaluates a facts file (a company of none) on day: it reads at
// most eligibility.MaxFactsSize, refusing a larger file before reading it
// whole, and parses it strictly. Errors name the field at fault.
func CheckFacts(cat *Catalog, path string, day time.Time) (Report, error) {
	data, err := readFacts(path)
	if err != nil {
		return Report{}, err
	}
	facts, err := eligibility.ParseFacts(cat, data)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", path, err)
	}
	return eligibility.Evaluate(cat, facts, day), nil
}

func readFacts(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%s: the file is too large (over 1 MiB)", path)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > eligibility.MaxFactsSize {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, eligibility.MaxFactsSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > eligibility.MaxFactsSize {
		return nil, tooLarge
	}
	return data, nil
}
