package main

import (
	"errors"
	"fmt"
	"io"

	"specbot/eligibility"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && isHelp(args[len(args)-1]) {
		fmt.Fprintln(stdout, "usage: specbot rules validate FILE\n\nChecks a rules catalogue; prints what is wrong and exits 2. No flags.")
		return exitOK
	}
	if len(args) != 2 || args[0] != "validate" {
		return fail(stderr, exitUsage, "rules: usage: specbot rules validate FILE")
	}
	c, err := eligibility.LoadCatalog(args[1])
	if err != nil {
		var ve *eligibility.ValidationError
		if !errors.As(err, &ve) {
			return fail(stderr, exitUsage, "rules validate: %v", err)
		}
		fmt.Fprintf(stderr, "specbot: rules validate: %s: %d problem(s)\n", args[1], len(ve.Problems))
		for _, p := range ve.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return exitUsage
	}
	levels := 0
	for _, s := range c.Specializations {
		levels += len(s.AllLevels())
	}
	fmt.Fprintf(stdout, "%s: ok: catalogue %q, %d specializations, %d levels, %d facts, %d certificates\n",
		args[1], c.ID, len(c.Specializations), levels, len(c.Facts), len(c.Certificates))
	return exitOK
}
