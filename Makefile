# specbot: `make run` starts the bot (the terminal chat when no token is set),
# `make test` runs every test. Both work on a fresh machine with Go 1.26 and gcc.

GO        ?= go
CGO_ENABLED = 1
export CGO_ENABLED

.PHONY: run test bench load fuzz lint lint-deploy build clean

build:
	$(GO) build -o bin/specbot ./cmd/specbot

run: build
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
		exec ./bin/specbot serve; \
	else \
		echo "TELEGRAM_BOT_TOKEN is not set: starting the terminal chat (see README to run on Telegram)."; \
		exec ./bin/specbot chat; \
	fi

test: lint
	$(GO) test -race -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

FUZZTIME ?= 60s

# Longer fuzzing than `make test`, which runs only the seed corpora.
fuzz:
	$(GO) test ./dialogs -run '^$$' -fuzz '^FuzzParseMoney$$' -fuzztime $(FUZZTIME)
	$(GO) test ./dialogs -run '^$$' -fuzz '^FuzzParseCount$$' -fuzztime $(FUZZTIME)
	$(GO) test ./dialogs -run '^$$' -fuzz '^FuzzCallback$$' -fuzztime $(FUZZTIME)
	$(GO) test ./dialogs -run '^$$' -fuzz '^FuzzEngine$$' -fuzztime $(FUZZTIME)
	$(GO) test ./eligibility -run '^$$' -fuzz '^FuzzParseFacts$$' -fuzztime $(FUZZTIME)
	$(GO) test ./eligibility -run '^$$' -fuzz '^FuzzParseCatalog$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(MAKE) --no-print-directory lint-deploy

# The unit files and the Dockerfile, where the tools exist on this machine.
# systemd-analyze verify wants ExecStart's binary: it checks a copy of the
# units that points at a freshly built one.
lint-deploy: build
	@if command -v systemd-analyze >/dev/null 2>&1; then \
		tmp=$$(mktemp -d) && \
		for u in deploy/*.service deploy/*.timer; do \
			sed "s|/usr/local/bin/specbot|$(CURDIR)/bin/specbot|g" $$u > $$tmp/$$(basename $$u); \
		done && \
		systemd-analyze verify $$tmp/*.service $$tmp/*.timer; rc=$$?; rm -rf $$tmp; \
		[ $$rc -eq 0 ] && echo "systemd-analyze verify: deploy/ ok" || exit $$rc; \
	else echo "systemd-analyze not found: skipping the check of deploy/*.service"; fi
	@if command -v hadolint >/dev/null 2>&1; then hadolint Dockerfile && echo "hadolint: Dockerfile ok"; \
	else echo "hadolint not found: skipping the Dockerfile lint"; fi

clean:
	rm -rf bin

load: build
	$(GO) run ./cmd/specbot-load --bot bin/specbot --partners 200
