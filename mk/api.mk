# pdns-api: the DNSDB API v2 and CIRCL pDNS over the store (docs/api.md).
# Built and installed like pdns-capture, into PostgreSQL's bindir.

API_BIN    = src/bin/pdns-api
API_ASSETS = $(sort $(wildcard src/bin/api/explorer/*))
API_GEN    = src/bin/api/gen/assets.c
API_SRCS   = $(sort $(wildcard src/bin/api/*.c)) $(API_GEN)
API_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread \
	-I$(shell $(PG_CONFIG) --includedir)
API_LIBS   = -L$(shell $(PG_CONFIG) --libdir) -lpq -lmicrohttpd -pthread

EXTRA_CLEAN += $(API_BIN) src/bin/api/gen

# The explorer page (docs/explorer.md) is compiled in.
$(API_GEN): $(API_ASSETS) tools/embed-assets.pl
	@mkdir -p $(dir $@)
	perl tools/embed-assets.pl $@ $(API_ASSETS)

.PHONY: install-api uninstall-api

all: $(API_BIN)
install: install-api
uninstall: uninstall-api

$(API_BIN): $(API_SRCS) $(wildcard src/bin/api/*.h) mk/api.mk
	$(CC) $(API_CFLAGS) -Isrc/bin/api -o $@ $(API_SRCS) $(API_LIBS)

install-api: $(API_BIN)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(API_BIN) '$(DESTDIR)$(bindir)/pdns-api'

uninstall-api:
	rm -f '$(DESTDIR)$(bindir)/pdns-api'

# The request parser is pure C: fuzzed with the core's parsers.
$(FUZZ_BIN)/fuzz_api_request: test/fuzz/fuzz_api_request.c src/bin/api/request.c src/bin/api/request.h
	@mkdir -p $(FUZZ_BIN)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/bin/api \
		-o $@ $< src/bin/api/request.c
