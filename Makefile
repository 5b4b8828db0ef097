# scsaned - a SANE network daemon for SCSI scanners.
#
#   make          build build/scsaned and build/scsaned-sim
#   make run      install dependencies, build, serve simulated scanners
#   make check    install dependencies, build, run every test (plain and
#                 under ASan+UBSan); ends with "N passed, N failed, N skipped"
#   make CC=clang the same with clang

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
sysconfdir ?= /etc
sbindir ?= $(PREFIX)/sbin
bindir  ?= $(PREFIX)/bin
libdir  ?= $(PREFIX)/lib
mandir  ?= $(PREFIX)/share/man
docdir  ?= $(PREFIX)/share/doc/scsaned
systemdunitdir ?= $(PREFIX)/lib/systemd/system

WARN    = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
          -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude \
          -DSYSCONFDIR='"$(sysconfdir)"' -MMD -MP
LDLIBS  = -liscsi -lsgutils2 -lmd -lsystemd -lavahi-client -lavahi-common -lpthread

SIM_SRCS := $(filter-out src/sim/tool.c src/sim/sgshim.c,$(wildcard src/sim/*.c))
LIB_SRCS := $(wildcard src/core/*.c src/net/*.c src/scsi/*.c src/drivers/*.c) $(SIM_SRCS)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzzers/%)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)


.PHONY: all run check test deps clean tests bench bench-saned bench-iscsi fuzz fuzzers install
all: $(BUILD)/scsaned $(BUILD)/scsaned-sim $(BUILD)/libsgsim.so

# The sg shim is preloaded into programs we do not build (tgtd, sg3_utils,
# SANE backends), so it is never built with sanitizers: their runtimes
# must come first in a process, which a preloaded library cannot arrange.
SHIM_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -Iinclude -MMD -MP
SHIM_OBJS := $(patsubst %.c,$(BUILD)/pic/%.o,$(SIM_SRCS) src/sim/sgshim.c)
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SHIM_CFLAGS) -c -o $@ $<
$(BUILD)/libsgsim.so: $(SHIM_OBJS)
	$(CC) -shared -o $@ $^ -ldl -lpthread

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libscsaned.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/scsaned: $(BUILD)/src/main.o $(BUILD)/libscsaned.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/scsaned-sim: $(BUILD)/src/sim/tool.o $(BUILD)/libscsaned.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/vectors.o $(BUILD)/libscsaned.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/tests/mini_inetd: $(BUILD)/tests/tools/mini_inetd.o
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/garbage_client: $(BUILD)/tests/tools/garbage_client.o
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/raw_read: $(BUILD)/tests/bench/raw_read.o $(BUILD)/libscsaned.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

tests: all $(UNIT_BINS) $(BUILD)/tests/mini_inetd $(BUILD)/tests/garbage_client $(BUILD)/tests/raw_read

# libFuzzer harnesses: build with BUILD=build/fuzz (see fuzzers below).
$(BUILD)/fuzzers/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/libscsaned.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
fuzzers:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" \
	    build/fuzz/libscsaned.a $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/fuzzers/%)

# make fuzz [FUZZ_SECONDS=N]: every harness for N seconds, corpus kept in
# build/fuzz/corpus between runs.
fuzz: deps
	@$(MAKE) --no-print-directory fuzzers
	@scripts/fuzz-seeds build/fuzz/seeds
	@for f in build/fuzz/fuzzers/fuzz_*; do \
		n=$$(basename $$f); s=$${n#fuzz_}; mkdir -p build/fuzz/corpus/$$s; \
		echo "== $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		    build/fuzz/corpus/$$s build/fuzz/seeds/$$s || exit 1; \
	done

# Benchmarks: ratios measured side by side in one run, never timed tests.
bench: bench-saned bench-iscsi
bench-saned: deps
	@$(MAKE) --no-print-directory tests
	@bash tests/bench/bench-saned.sh
bench-iscsi: deps
	@$(MAKE) --no-print-directory tests
	@bash tests/bench/bench-iscsi.sh

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo

# The suite twice: as built (gcc by default), then built by clang under
# AddressSanitizer + UBSan, so every check also proves clang builds clean.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check: deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory tests BUILD=build/asan CC=clang CFLAGS="-O1 -g $(SAN)"
	@$(MAKE) --no-print-directory fuzzers
	@FUZZ_DIR=build/fuzz scripts/run-tests build build/asan

# make install [PREFIX=/usr/local] [DESTDIR=] [sysconfdir=/etc]: an admin's
# existing scsaned.conf is never replaced.
install: all
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/scsaned \
	    $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(docdir) \
	    $(DESTDIR)$(sysconfdir)/scsaned $(DESTDIR)$(systemdunitdir)
	install -m 755 $(BUILD)/scsaned scripts/scsaned-export-tgt $(DESTDIR)$(sbindir)/
	install -m 755 $(BUILD)/scsaned-sim $(DESTDIR)$(bindir)/
	install -m 644 $(BUILD)/libsgsim.so $(DESTDIR)$(libdir)/scsaned/
	install -m 644 docs/scsaned.8 $(DESTDIR)$(mandir)/man8/
	install -m 644 docs/scsaned.conf.5 $(DESTDIR)$(mandir)/man5/
	install -m 644 README.md docs/configuration.md conf/tgt/scanner.conf.example \
	    conf/scsaned.conf.example $(DESTDIR)$(docdir)/
	test -e $(DESTDIR)$(sysconfdir)/scsaned/scsaned.conf || \
	    install -m 644 conf/scsaned.conf.example $(DESTDIR)$(sysconfdir)/scsaned/scsaned.conf
	sed 's|/usr/local/sbin/scsaned|$(sbindir)/scsaned|; s|/etc/scsaned/|$(sysconfdir)/scsaned/|' \
	    conf/systemd/scsaned.service > $(DESTDIR)$(systemdunitdir)/scsaned.service
	install -m 644 conf/systemd/scsaned.socket $(DESTDIR)$(systemdunitdir)/

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
