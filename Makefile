# Repère — build, run and test. See README.md.
#
#   make            build build/repere
#   make run        install missing packages, build, migrate, load the demo, serve on :8080
#                   (PORT=N or REPERE_PORT=N for another port)
#   make check      install missing packages, build, run every test suite
#   make lint       clang-format check + cppcheck
#
# Every .c under src/ (grouped by domain, see src/README.md) is part of the
# program; every tests/unit/test_*.c is a unit-test binary linked with all of
# src/ except main.c.

PKGS     := libmicrohttpd sqlite3 libcmark jansson libsodium zlib libdeflate libqrencode libxxhash
CC       ?= cc
OPT      ?= -O2 -g
CFLAGS   += $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wstrict-prototypes \
            -Wmissing-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral -Isrc \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread  # libcsv ships no .pc file
BUILD    ?= build

SRC      := $(wildcard src/*.c src/*/*.c src/*/*/*.c)
HDR      := $(wildcard src/*.h src/*/*.h src/*/*/*.h)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ   := $(filter-out $(BUILD)/src/main.o,$(OBJ))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITBIN  := $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)

# The port of `make run`: `make run PORT=9000`, else REPERE_PORT from the
# environment (what `repere serve` itself reads, as README.md says), else 8080.
ifneq ($(origin PORT),command line)
ifneq ($(REPERE_PORT),)
PORT     := $(REPERE_PORT)
endif
endif
PORT     ?= 8080
DB       ?= var/repere.db

.PHONY: all run check setup unit lint clean bench fuzz pot

# Static text files are served gzip-compressed from a .gz made here, next to
# the file (gitignored); the server falls back to the plain file without it.
STATICGZ := $(patsubst %,%.gz,$(wildcard static/*.css static/*.js static/*.svg static/vendor/*/*.css static/vendor/*/*.js))

# Translations (docs/languages.md): po/LL.po → build/locale/LL/LC_MESSAGES/repere.mo,
# beside the LC_MESSAGES category of a locale named LL (copied from glibc's
# built-in C.utf8: only its name matters, gettext looks up the catalogue by it).
# msgfmt --check refuses a catalogue whose format strings or plural forms are wrong.
POFILES  := $(wildcard po/*.po)
MOFILES  := $(POFILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/repere.mo)
LOCALES  := $(POFILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/SYS_LC_MESSAGES)
C_LOCALE ?= /usr/lib/locale/C.utf8/LC_MESSAGES/SYS_LC_MESSAGES

all: $(BUILD)/repere $(STATICGZ) $(MOFILES) $(LOCALES)

$(BUILD)/locale/%/LC_MESSAGES/repere.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check --statistics -o $@ $<

$(BUILD)/locale/%/LC_MESSAGES/SYS_LC_MESSAGES: $(C_LOCALE)
	@mkdir -p $(dir $@)
	cp $< $@

# Regenerate po/repere.pot from the C sources and the templates.
pot:
	@scripts/po-extract.sh po/repere.pot

static/%.gz: static/%
	gzip -9 -n -c $< > $@

$(BUILD)/repere: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(LIBOBJ) $(LDLIBS)

setup:
	@scripts/setup.sh

unit: $(UNITBIN)

run: setup
	@$(MAKE) --no-print-directory all
	@mkdir -p $(dir $(DB))
	./$(BUILD)/repere migrate --db $(DB)
	./$(BUILD)/repere demo --db $(DB)
	./$(BUILD)/repere serve --db $(DB) --listen 127.0.0.1 --port $(PORT)

check: setup
	@$(MAKE) --no-print-directory all unit
	@tests/run.sh

lint:
	@scripts/lint.sh

clean:
	rm -rf $(BUILD)

# ---- The proof harness (issue 8; docs/quality.md) --------------------------
#
#   make fuzz [FUZZ_SECONDS=60]   every libFuzzer target (fuzz/) on its corpus
#   make fuzz-smoke               each target a few seconds (part of make check)
#   make check-asan               every suite against an ASan + UBSan build
#   make check-valgrind           the e2e suite against a daemon under memcheck
#   make bench                    wrk on loopback, with nginx as the yardstick
#   make soak [SOAK_SECONDS=600]  mixed load at ~80 % of capacity, RSS sampled
#   make crash-test               kill -9 under write load, then check
FUZZ_CC      ?= clang-14
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ     := $(filter-out $(FUZZ_BUILD)/src/main.o,$(SRC:%.c=$(FUZZ_BUILD)/%.o))
FUZZ_TARGETS := $(patsubst fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard fuzz/fuzz_*.c))

$(FUZZ_BUILD)/src/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

.PHONY: fuzz-build fuzz-smoke check-asan check-valgrind soak crash-test
# Keep the sanitizer objects between runs (make would delete them as
# intermediate files, and every fuzz-smoke would recompile all of src/).
.SECONDARY: $(FUZZ_OBJ)

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run.sh smoke

# ASan + UBSan: the daemon, the unit tests and the tools in their own build
# directory; every suite runs against them. Sanitizer reports (from any
# process, the daemons included) land in $(ASAN_BUILD)/logs/: any file there
# is a failure.
# Both runtimes are linked statically: with Debian's gcc 12, a program linked
# with the shared libasan.so and libubsan.so never reads UBSAN_OPTIONS (its
# log_path included), so UBSan's reports went to each process's stderr — a
# daemon's is read by the test harness only — and the summary missed them.
# Linked statically, UBSan honours log_path (docs/quality.md: how this was checked).
# A change of these link flags relinks the programs (link-flags stamp).
# tests/lsan.supp: leaks of libraries we call (glibc's newlocale), never ours.
ASAN_BUILD   ?= build/asan
ASAN_LOGS    := $(CURDIR)/$(ASAN_BUILD)/logs
ASAN_LDFLAGS := -fsanitize=address,undefined -static-libasan -static-libubsan
# `make check-asan ASAN_SUITES=tests/e2e/foundation.test.js` runs the unit
# tests, the oracles and only that suite.
ASAN_SUITES  ?= $(wildcard tests/e2e/*.test.js tests/browser/*.test.js)
check-asan: setup
	@mkdir -p $(ASAN_BUILD); \
	if [ "$$(cat $(ASAN_BUILD)/link-flags 2>/dev/null)" != "$(ASAN_LDFLAGS)" ]; then \
	  rm -f $(ASAN_BUILD)/repere $(ASAN_BUILD)/tests/test_*; echo "$(ASAN_LDFLAGS)" >$(ASAN_BUILD)/link-flags; fi
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) \
	  OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="$(ASAN_LDFLAGS)" all unit
	@rm -rf $(ASAN_LOGS) && mkdir -p $(ASAN_LOGS)
	@export ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0:log_path=$(ASAN_LOGS)/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(ASAN_LOGS)/ubsan \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  REPERE_BIN=$(CURDIR)/$(ASAN_BUILD)/repere HOURS_BIN=$(CURDIR)/$(ASAN_BUILD)/repere \
	  REPERE_ROOT=$(CURDIR); \
	status=0; \
	for t in $(ASAN_BUILD)/tests/test_*; do \
	  printf '%-28s ' "$$(basename $$t)"; out=$$($$t 2>&1) || status=1; echo "$$out" | tail -n 1; \
	done; \
	for f in $(ASAN_SUITES); do \
	  printf '%-28s ' "$$(basename $$f .test.js)"; \
	  node --test --test-reporter=tap --test-concurrency=1 $$f >$(ASAN_LOGS)/../$$(basename $$f).log 2>&1 || status=1; \
	  grep -E '^# (pass|fail) ' $(ASAN_LOGS)/../$$(basename $$f).log | tr '\n' ' '; echo; \
	done; \
	for o in tests/oracle/*.sh; do \
	  printf '%-28s ' "$$(basename $$o .sh)"; $$o 2>&1 | tail -n 1 || status=1; \
	done; \
	if [ -n "$$(ls $(ASAN_LOGS))" ]; then \
	  echo "check-asan: sanitizer reports:"; head -n 60 $(ASAN_LOGS)/*; status=1; \
	else echo "check-asan: no sanitizer report"; fi; \
	exit $$status

# Memcheck: e2e suites against daemons run under valgrind (the other
# sub-commands, migrate and import, run natively to stay within time).
# Memcheck runs the daemon 20-50 times slower, and check-asan already runs
# every suite under ASan + UBSan; what memcheck adds is uninitialised reads
# and the leak check at exit. So it runs one suite per room of the daemon
# (VG_SUITES, about 100 tests): accounts, claims and mail (admin), the POST
# processor and the importer (admin_import), the workshop editor and rules
# (admin_workshops), provenance (proposals), downloads (export), routing and
# limits (foundation), search, the API, the people room (intervenants), the
# selection kit and opening hours. Never under memcheck: suites that measure
# time (availability, nginx, accounts_throttle, and security, whose login
# throttle delays run out while Argon2 runs under memcheck). `make check-valgrind
# VG_SUITES="$(ls tests/e2e/*.test.js)"` runs them all. A daemon gets 60 s
# to start (REPERE_START_TIMEOUT_MS). tests/valgrind.supp: leaks of libraries
# we call (glibc's newlocale), never ours.
VG_DIR := $(CURDIR)/$(BUILD)/valgrind
VG_SUITES ?= $(patsubst %,tests/e2e/%.test.js,admin admin_import admin_workshops proposals export \
               foundation search api intervenants selection hours)
check-valgrind: setup
	@$(MAKE) --no-print-directory all
	@rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)
	@printf '#!/bin/sh\nif [ "$$1" = serve ]; then exec valgrind --quiet --error-exitcode=99 --suppressions=$(CURDIR)/tests/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --log-file=$(VG_DIR)/vg.%%p.log $(CURDIR)/$(BUILD)/repere "$$@"; fi\nexec $(CURDIR)/$(BUILD)/repere "$$@"\n' >$(VG_DIR)/repere
	@chmod +x $(VG_DIR)/repere
	@status=0; \
	REPERE_ROOT=$(CURDIR) REPERE_BIN=$(VG_DIR)/repere REPERE_START_TIMEOUT_MS=60000 node --test --test-reporter=tap --test-concurrency=1 $(VG_SUITES) >$(VG_DIR)/e2e.log 2>&1 || status=1; \
	grep -E '^# (pass|fail) ' $(VG_DIR)/e2e.log; \
	daemons=$$(ls $(VG_DIR)/vg.*.log 2>/dev/null | wc -l); \
	reports=$$(cat $(VG_DIR)/vg.*.log 2>/dev/null | grep -c '^==[0-9]*== '); \
	echo "check-valgrind: $$daemons daemons under memcheck, $$reports report lines"; \
	if [ "$$reports" -ne 0 ]; then cat $(VG_DIR)/vg.*.log | head -n 80; status=1; fi; \
	[ "$$status" -eq 0 ] || grep -E -A12 '^not ok' $(VG_DIR)/e2e.log | head -n 40; \
	exit $$status

bench: all
	@bench/run.sh

soak: all
	@scripts/soak.sh

crash-test: all
	@scripts/crash-test.sh
