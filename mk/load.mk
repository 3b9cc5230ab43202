# pdns-load: log lines into pdns.raw_lines_in with every octet intact
# (docs/ingest.md, "Loading lines").  Built and installed like pdns-capture,
# into PostgreSQL's bindir.

LOAD_BIN    = src/bin/pdns-load
LOAD_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -I$(shell $(PG_CONFIG) --includedir)
LOAD_LIBS   = -L$(shell $(PG_CONFIG) --libdir) -lpq

EXTRA_CLEAN += $(LOAD_BIN)

.PHONY: install-load uninstall-load

all: $(LOAD_BIN)
install: install-load
uninstall: uninstall-load

$(LOAD_BIN): src/bin/load/main.c mk/load.mk
	$(CC) $(LOAD_CFLAGS) -o $@ src/bin/load/main.c $(LOAD_LIBS)

install-load: $(LOAD_BIN)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(LOAD_BIN) '$(DESTDIR)$(bindir)/pdns-load'

uninstall-load:
	rm -f '$(DESTDIR)$(bindir)/pdns-load'
