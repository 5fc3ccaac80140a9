package main

import (
	"errors"
	"fmt"
	"io"

	"specbot/app"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && isHelp(args[len(args)-1]) {
		fmt.Fprintln(stdout, "usage: specbot rules validate FILE\n\nChecks a rules catalogue; prints what is wrong and exits 2. No flags.")
		return exitOK
	}
	if len(args) != 2 || args[0] != "validate" {
		return fail(stderr, exitUsage, "rules: usage: specbot rules validate FILE")
	}
	sum, problems, err := app.ValidateRules(args[1])
	if errors.Is(err, app.ErrInvalidCatalog) {
		fmt.Fprintf(stderr, "specbot: rules validate: %s: %d problem(s)\n", args[1], len(problems))
		for _, p := range problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return exitUsage
	}
	if err != nil {
		return fail(stderr, exitUsage, "rules validate: %v", err)
	}
	fmt.Fprintf(stdout, "%s: ok: catalogue %q, %d specializations, %d levels, %d facts, %d certificates\n",
		args[1], sum.ID, sum.Specializations, sum.Levels, sum.Facts, sum.Certs)
	return exitOK
}
