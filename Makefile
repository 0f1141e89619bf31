# Development entry points. `make test` is the README's test command; CI
# (.ci/run) calls the same script.
.PHONY: test
test:
	./.ci/test
