# Repère — build, run and test. See README.md.
#
#   make            build build/repere
#   make run        install missing packages, build, migrate, load the demo, serve on :8080
#   make check      install missing packages, build, run every test suite
#   make lint       clang-format check + cppcheck
#
# Every .c under src/ is part of the program; every tests/unit/test_*.c is a
# unit-test binary linked with all of src/ except main.c.

PKGS     := libmicrohttpd sqlite3 libcmark jansson libsodium zlib libqrencode
CC       ?= cc
OPT      ?= -O2 -g
CFLAGS   += $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wstrict-prototypes \
            -Wmissing-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral -Isrc \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread  # libcsv ships no .pc file
BUILD    ?= build

SRC      := $(wildcard src/*.c src/pages/*.c)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ   := $(filter-out $(BUILD)/src/main.o,$(OBJ))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITBIN  := $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)

PORT     ?= 8080
DB       ?= var/repere.db

.PHONY: all run check setup unit lint clean bench fuzz

all: $(BUILD)/repere

$(BUILD)/repere: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBOBJ) $(LDLIBS)

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
	clang-format --dry-run --Werror $(SRC) $(wildcard src/*.h) $(UNITSRC)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr -Isrc $(SRC)

clean:
	rm -rf $(BUILD)
