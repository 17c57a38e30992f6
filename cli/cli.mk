# cli/cli.mk — the meshauth command (included by the root Makefile).
CLI_BIN := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/debug/meshauth

.PHONY: test-cli
test-cli: test-cli-terminal ## The meshauth command: end to end against the development issuer (every subcommand, every exit code), then in a real terminal
	$(CARGO) test -p meshauth-cli

.PHONY: test-cli-terminal
test-cli-terminal: system-packages ## The meshauth command in tmux at 80 columns: colours, NO_COLOR, pipes, layout, the stdin prompt
	$(CARGO) build -q -p meshauth-cli --bin meshauth
	bash $(ROOT)/cli/tests/terminal.sh $(CLI_BIN)

.PHONY: cli-install
cli-install: ## cargo install --path cli (the meshauth command into ~/.cargo/bin)
	$(CARGO) install --locked --path $(ROOT)/cli

TEST_TARGETS += test-cli-terminal
