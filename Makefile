# specbot: `make run` starts the bot (the terminal chat when no token is set),
# `make test` runs every test. Both work on a fresh machine with Go 1.26 and gcc.

GO        ?= go
CGO_ENABLED = 1
export CGO_ENABLED

.PHONY: run test bench load fuzz lint build clean

build:
	$(GO) build -buildvcs=auto -o bin/specbot ./cmd/specbot

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

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(GO) run $(STATICCHECK) ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	bash deploy/lint.sh

clean:
	rm -rf bin

load: build
	$(GO) run ./cmd/specbot-load --bot bin/specbot --partners 200
