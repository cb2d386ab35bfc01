# Listen-Wiseer: the extension (PGXS), the ingestor, and the two set-up commands.
#
#   make demo    install what is missing, build, start a cluster of our own, load the demo library
#   make test    the same set-up, then every test (pg_regress, ingestor unit + sanitizers, e2e, sklearn)
#   make bench   benchmarks, each against a baseline in the same run
#   make eval    recommendation quality against baselines
#   make roles   create the roles lw_reader and lw_ingest in the database PGDATABASE names
#   make fuzz    each libFuzzer target for FUZZ_SECONDS (default 60) s

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)

# Versions: the current version's install script is built from extension/sql/NN_*.sql; every
# released version's script stays as released in extension/released/; the upgrade script from
# each release is the hand-written extension/listen_wiseer--FROM--TO.sql (see HACKING.md, "Versions").
MODULE_big   = listen_wiseer
EXT_SRCS     = $(sort $(wildcard extension/*.c))
OBJS         = $(EXT_SRCS:.c=.o)
EXTVERSION   = 1.1
MODULEDIR    = extension
UPGRADES     = $(sort $(wildcard extension/listen_wiseer--*--*.sql))
DATA         = listen_wiseer.control $(sort $(wildcard extension/released/listen_wiseer--*.sql)) $(UPGRADES)
DATA_built   = extension/listen_wiseer--$(EXTVERSION).sql
SQL_PIECES   = $(sort $(wildcard extension/sql/*.sql))
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=. --dbname=lw_regression
# isolation tests (two sessions and more): specs/*.spec, expected output in expected/
ISOLATION    = $(sort $(patsubst specs/%.spec,%,$(wildcard specs/*.spec)))
ISOLATION_OPTS = --dbname=lw_isolation
PGFILEDESC   = "listen_wiseer - music analytics on a Spotify library"

# Portable vectorization: reassociation for reductions, no -march=native.
# Kernels that benefit use target_clones (see extension/fv_kernels.h).
PG_CFLAGS   += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare \
               -ftree-vectorize -fassociative-math -fno-signed-zeros -fno-trapping-math
SHLIB_LINK  += -lm

# Without pg_config there is nothing to build: say so rather than succeed having compiled nothing.
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
ifeq ($(filter deps demo test,$(MAKECMDGOALS)),)
$(error pg_config not found ($(PG_CONFIG)): run 'make deps' (Debian: postgresql-server-dev-15) or set PG_CONFIG=/path/to/pg_config)
endif
else
include $(PGXS)
endif

# (the directories too: a piece removed or renamed changes only its directory's time)
extension/listen_wiseer--$(EXTVERSION).sql: $(SQL_PIECES) extension/sql
	cat $(SQL_PIECES) > $@


# The ingestor is built and installed with the extension.
all: ingestor
.PHONY: ingestor ingestor-install deps demo test bench eval cluster-start cluster-stop
# SKIP_INGESTOR=1 builds and installs the extension alone.
ingestor:
	@if [ -z "$(SKIP_INGESTOR)" ] && [ -f ingestor/Makefile ]; then $(MAKE) -C ingestor; fi
install: ingestor-install
ingestor-install:
	@if [ -z "$(SKIP_INGESTOR)" ] && [ -f ingestor/Makefile ]; then $(MAKE) -C ingestor install; fi
clean: ingestor-clean
.PHONY: ingestor-clean
ingestor-clean:
	@if [ -f ingestor/Makefile ]; then $(MAKE) -C ingestor clean; fi

deps:
	@./tools/install-deps.sh

# The two set-up commands (and the two extra tools) are scripts so they can clean up on interrupt.
demo:
	@./tools/demo.sh

test:
	@./test/run-all.sh

bench:
	@./test/bench/run.sh

eval:
	@./test/eval/run-with-cluster.sh

# The roles lw_reader and lw_ingest in the database PGDATABASE names (docs/reference.md, "Roles"); as a superuser.
.PHONY: roles
roles:
	psql -X -v ON_ERROR_STOP=1 -f extension/roles.sql

# libFuzzer targets for the parsers of outside data: FUZZ_SECONDS (default 60) each.
.PHONY: fuzz
fuzz:
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} ./test/fuzz/run.sh fuzz
