# specbot: `make run` starts the bot (the terminal chat when no token is set),
# `make test` runs every test. Both work on a fresh machine with Go 1.26 and gcc.

GO        ?= go
CGO_ENABLED = 1
export CGO_ENABLED

.PHONY: run test bench load fuzz lint build clean

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

fuzz:
	$(GO) test ./dialogs -run '^$$' -fuzz FuzzParseMoney -fuzztime 60s
	$(GO) test ./dialogs -run '^$$' -fuzz FuzzParseCount -fuzztime 60s

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin

load: build
	$(GO) run ./cmd/specbot-load --bot bin/specbot --partners 200
