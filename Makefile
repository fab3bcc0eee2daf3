GO ?= go
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo $(HOME)/go/bin/staticcheck)
PKGS := ./...

.PHONY: build test lint bench run fuzz clean

build:
	$(GO) build -o bin/varpulis ./cmd/varpulis

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

test: lint
	$(GO) test -race -count=1 $(PKGS)

bench: build
	./bin/varpulis bench run

run: build
	./bin/varpulis simulate -p examples/hvac/program.vpl -e examples/hvac/events.evt

FUZZTIME ?= 60s
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
