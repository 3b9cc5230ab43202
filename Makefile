# pdns: PostgreSQL extension, built with PGXS.
#
#   make && make install      build and install into the PostgreSQL of PG_CONFIG
#   make installcheck         pg_regress suite against a running server
#   make test                 everything (see test/README.md); run under pg_virtualenv

EXTENSION    = pdns pdns_cluster
EXTVERSION   = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pdns.control)
PG_CONFIG   ?= pg_config

CORE_SRCS    = $(sort $(wildcard src/core/*.c))
GLUE_SRCS    = $(sort $(wildcard src/pg/*.c))
MODULE_big   = pdns
OBJS         = $(CORE_SRCS:.c=.o) $(GLUE_SRCS:.c=.o)

# The install script is built from ordered fragments, one per concern.
SQL_SRCS     = $(sort $(wildcard src/sql/*.sql))
# pdns_cluster (the coordinator of a sharded store, docs/scale-out.md) is a
# second extension over pdns, built from src/cluster/*.sql alike.
CLUSTER_VERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pdns_cluster.control)
CLUSTER_SQL  = $(sort $(wildcard src/cluster/*.sql))
DATA_built   = pdns--$(EXTVERSION).sql pdns_cluster--$(CLUSTER_VERSION).sql
# The first release's install script, kept as the base, and the update
# scripts between versions (ALTER EXTENSION pdns UPDATE): CREATE EXTENSION
# pdns VERSION 'x' of an older release runs the base and the updates to x
# (test/t/005_update.pl builds every release so).
DATA         = $(sort $(wildcard updates/pdns--*.sql updates/pdns_cluster--*.sql))
EXTRA_CLEAN  = pdns--$(EXTVERSION).sql pdns_cluster--$(CLUSTER_VERSION).sql

PG_CPPFLAGS += -Isrc/core
PG_CFLAGS   += -Wall -Wextra -Wno-unused-parameter
# Libraries of the pure core and the glue (see README.md, "Dependencies").
CORE_LIBS    = -lidn2 -lpsl -lldns -lmaxminddb -lcrypto -lm
SHLIB_LINK  += $(CORE_LIBS)

# The regression suite (pg_regress) lives in test/regress: sql/ and
# expected/ there; results/ and regression.diffs are written there too.
REGRESS      = $(patsubst test/regress/sql/%.sql,%,$(sort $(wildcard test/regress/sql/*.sql)))
# pdns requires these; pg_regress does not cascade.
LOAD_EXTENSIONS = --load-extension=pg_partman --load-extension=btree_gist --load-extension=hll --load-extension=pg_trgm --load-extension=pdns
REGRESS_OPTS = --inputdir=test/regress --outputdir=test/regress $(LOAD_EXTENSIONS)

# Test data from outside the project, carried in test/corpora (see its
# README.md for each file's origin and licence).
PDNS_CORPORA ?= $(CURDIR)/test/corpora
export PDNS_CORPORA

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Every object is rebuilt when any header changes (PGXS keeps no
# dependency files for extensions; the tree is small enough not to care).
$(OBJS) $(OBJS:.o=.bc): $(wildcard src/core/*.h src/pg/*.h)

pdns--$(EXTVERSION).sql: $(SQL_SRCS) pdns.control Makefile
	{ printf '%s\n' '-- generated from src/sql/*.sql by make; edit those files' \
	    '\echo Use "CREATE EXTENSION pdns" to load this file. \quit'; \
	  for f in $(SQL_SRCS); do printf '\n-- %s\n' "$$f"; cat "$$f"; done; } > $@

pdns_cluster--$(CLUSTER_VERSION).sql: $(CLUSTER_SQL) pdns_cluster.control Makefile
	{ printf '%s\n' '-- generated from src/cluster/*.sql by make; edit those files' \
	    '\echo Use "CREATE EXTENSION pdns_cluster" to load this file. \quit'; \
	  for f in $(CLUSTER_SQL); do printf '\n-- %s\n' "$$f"; cat "$$f"; done; } > $@

include test/test.mk
# Further build concerns (command-line tools, generated sources) each add a
# file here.
include $(sort $(wildcard mk/*.mk))
