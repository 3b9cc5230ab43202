# The explorer's screenshots in docs/explorer.md (docs/img/explorer-*.png)
# are taken by its browser test, test/t/009_explorer.pl, over the test's
# own data: make docs-screenshots runs that test through prove-check (the
# installed pdns-api, Debian's chromium and chromedriver) and copies the
# PNG files it wrote into docs/img.  As root, prove-check runs the test as
# TAP_USER from a scratch copy of test/t: the test writes into a temporary
# directory that user owns, and the files are copied back from there.

SCREENSHOT_DIR = docs/img

.PHONY: docs-screenshots

docs-screenshots:
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/pdns-screenshots.XXXXXX") && \
	if [ "$$(id -u)" = 0 ]; then chown $(TAP_USER) "$$tmp"; fi && \
	if PDNS_SCREENSHOT_DIR="$$tmp" $(MAKE) --no-print-directory prove-check \
		PROVE_TESTS=test/t/009_explorer.pl; \
	then mkdir -p $(SCREENSHOT_DIR) && cp "$$tmp"/explorer-*.png $(SCREENSHOT_DIR)/ && \
		rm -rf "$$tmp" && ls -l $(SCREENSHOT_DIR)/explorer-*.png; \
	else rm -rf "$$tmp"; exit 1; fi
