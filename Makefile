# scsaned - a SANE network daemon for SCSI scanners.
#
#   make              build build/gcc/{scsaned,scsaned-sim,libsgsim.so}
#   make run          install dependencies, build, serve simulated scanners
#   make check        install dependencies, build, run every test (as built,
#                     under ASan+UBSan, under TSan, fuzz smoke, layout rules);
#                     prints each part's wall time and ends with
#                     "N passed, N failed, N skipped"
#   make check-tsan   only the ThreadSanitizer part
#   make install / make uninstall [PREFIX=] [DESTDIR=] [sysconfdir=]
#   make CC=clang     the same with clang
#
# Packagers: CFLAGS, CPPFLAGS and LDFLAGS are honoured and passed through;
# -Werror is on only in `make check` (WERROR=-Werror to have it anywhere).

CC      ?= cc
AR      ?= ar
PKG_CONFIG ?= pkg-config
BUILD   ?= build/gcc
PREFIX  ?= /usr/local
sysconfdir ?= /etc
sbindir ?= $(PREFIX)/sbin
bindir  ?= $(PREFIX)/bin
libdir  ?= $(PREFIX)/lib
mandir  ?= $(PREFIX)/share/man
datadir ?= $(PREFIX)/share
docdir  ?= $(PREFIX)/share/doc/scsaned
systemdunitdir ?= $(PREFIX)/lib/systemd/system

WERROR  ?=
WARN    = -Wall -Wextra $(WERROR) -Wshadow -Wpointer-arith -Wstrict-prototypes \
          -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
ALL_CPPFLAGS = -D_GNU_SOURCE -Iinclude -DSYSCONFDIR='"$(sysconfdir)"' \
    -DWEB_ROOT='"$(datadir)/scsaned/www"' $(CPPFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -MMD -MP

# One pkg-config query per library; sg3_utils ships no .pc file.
pc = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))
pccflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
LIB_ISCSI   := $(call pc,libiscsi,-liscsi)
LIB_SGUTILS := -lsgutils2
LIB_MD      := $(call pc,libmd,-lmd)
LIB_SYSTEMD := $(call pc,libsystemd,-lsystemd)
LIB_AVAHI   := $(call pc,avahi-client,-lavahi-client -lavahi-common)
LIB_CMOCKA  := $(call pc,cmocka,-lcmocka)
LIB_IMAGE   := $(call pc,zlib libpng libtiff-4 libjpeg,-lz -lpng16 -ltiff -ljpeg)
LIB_XML     := $(call pc,libxml-2.0,-lxml2)
LIB_MHD     := $(call pc,libmicrohttpd,-lmicrohttpd)
# The HTTP front's libraries (image encoders, the eSCL ticket's XML).
LIBS_FRONT  = $(LIB_MHD) $(LIB_IMAGE) $(LIB_XML)
ALL_CPPFLAGS += $(call pccflags,libiscsi) $(call pccflags,avahi-client) $(call pccflags,libxml-2.0)

# One archive per layer (design.md); a binary takes the layers it uses.
src_of = $(shell find src/$(1) -name '*.c' | sort)
CORE_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,core))
NET_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,net))
SCSI_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,scsi))
DRIVERS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,drivers))
SIM_SRCS     := $(call src_of,sim)
SIM_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRCS))
BACKEND_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,backend))
ENCODE_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,encode))
ESCL_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,escl))
HTTP_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(call src_of,http))
LAYERS  = net http escl drivers scsi sim encode core
LAYER_LIBS = $(LAYERS:%=$(BUILD)/lib%.a)
# Layers call down, and core/ (log, registry) is called by all and calls
# drivers/ through the registry: one group resolves the cycle.
LINK_LAYERS = -Wl,--start-group $(LAYER_LIBS) -Wl,--end-group
# What each transport and front needs.
LIBS_SCSI   = $(LIB_ISCSI) $(LIB_SGUTILS) -lpthread
LIBS_DAEMON = $(LIBS_SCSI) $(LIB_MD) $(LIB_SYSTEMD) $(LIB_AVAHI) -ldl $(LIBS_FRONT) -lm

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BINS := $(BUILD)/tests/mini_inetd $(BUILD)/tests/garbage_client $(BUILD)/tests/raw_read \
    $(BUILD)/tests/delay_proxy $(BUILD)/tests/rtt_probe

.PHONY: all run check check-build check-tsan check-layout tests deps clean \
        bench bench-saned bench-iscsi bench-lab bench-latency bench-bridge bench-escl fuzz fuzzers install uninstall
all: $(BUILD)/scsaned $(BUILD)/scsaned-sim $(BUILD)/libsgsim.so $(BUILD)/scsaned-backend

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcore.a: $(CORE_OBJS)
$(BUILD)/libnet.a: $(NET_OBJS)
$(BUILD)/libscsi.a: $(SCSI_OBJS)
$(BUILD)/libdrivers.a: $(DRIVERS_OBJS)
$(BUILD)/libsim.a: $(SIM_OBJS)
$(BUILD)/libencode.a: $(ENCODE_OBJS)
$(BUILD)/libescl.a: $(ESCL_OBJS)
$(BUILD)/libhttp.a: $(HTTP_OBJS)
# Rebuilt whole, so a source file removed leaves no stale member behind.
$(LAYER_LIBS):
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/scsaned: $(BUILD)/src/main.o $(LAYER_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LINK_LAYERS) $(LIBS_DAEMON)

$(BUILD)/scsaned-sim: $(BUILD)/src/tools/scsaned_sim.o $(BUILD)/libsim.a $(BUILD)/libcore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

# The backend host: Debian's SCSI backends, dlopen'ed, bind their
# sanei_scsi_* calls to the helper's own (docs/architecture.md, "The
# backend host"), so only those are exported.  It takes the SCSI layer
# and the logger, never net/ or drivers/.
SANE_BACKEND_DIR ?= /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/sane
$(BUILD)/src/backend/backend_main.o: ALL_CPPFLAGS += -DSANE_BACKEND_DIR='"$(SANE_BACKEND_DIR)"'
$(BUILD)/src/drivers/hosted/%.o: ALL_CPPFLAGS += -DHELPER_DIR='"$(libdir)/scsaned"'
$(BUILD)/scsaned-backend: $(BACKEND_OBJS) $(BUILD)/libscsi.a $(BUILD)/libsim.a $(BUILD)/libcore.a \
    src/backend/exports.list
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--dynamic-list=src/backend/exports.list -o $@ \
	    $(BACKEND_OBJS) -Wl,--start-group $(BUILD)/libscsi.a $(BUILD)/libsim.a \
	    $(BUILD)/libcore.a -Wl,--end-group $(LIBS_SCSI) -ldl

# Backends that fail on purpose or fork, for the helper's tests.
TEST_BACKENDS = $(BUILD)/tests/backends/libsane-broken.so.1 $(BUILD)/tests/backends/libsane-hang.so.1 \
    $(BUILD)/tests/backends/libsane-forker.so.1
$(BUILD)/tests/backends/libsane-%.so.1: tests/backends/broken.c tests/backends/testbackend.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(SHIM_CFLAGS) -DBACKEND=$* -shared -o $@ $<

# The sg shim is preloaded into programs we do not build (tgtd, sg3_utils,
# SANE backends), so it is never built with sanitizers: their runtimes
# must come first in a process, which a preloaded library cannot arrange.
SHIM_CFLAGS = -std=c11 $(WARN) -O2 -g -fPIC -MMD -MP
SHIM_OBJS := $(patsubst %.c,$(BUILD)/pic/%.o,$(SIM_SRCS) src/shim/sgshim.c)
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(SHIM_CFLAGS) -c -o $@ $<
$(BUILD)/libsgsim.so: $(SHIM_OBJS)
	$(CC) $(LDFLAGS) -shared -o $@ $^ -ldl -lpthread

UNIT_HELPERS = $(BUILD)/tests/unit/vectors.o $(BUILD)/tests/unit/simhost.o
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPERS) $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LINK_LAYERS) $(LIB_CMOCKA) $(LIBS_DAEMON) \
	    $(LIBS_FRONT)

$(BUILD)/tests/mini_inetd: $(BUILD)/tests/tools/mini_inetd.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/garbage_client: $(BUILD)/tests/tools/garbage_client.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/delay_proxy: $(BUILD)/tests/tools/delay_proxy.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/rtt_probe: $(BUILD)/tests/tools/rtt_probe.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/raw_read: $(BUILD)/tests/bench/raw_read.o $(BUILD)/libscsi.a $(BUILD)/libsim.a $(BUILD)/libcore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -Wl,--start-group $(filter %.a,$^) -Wl,--end-group $(LIBS_SCSI)

tests: all $(UNIT_BINS) $(TOOL_BINS) $(TEST_BACKENDS)

# libFuzzer harnesses, in their own tree (see fuzzers below).
$(BUILD)/fuzzers/%: $(BUILD)/tests/fuzz/%.o $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LINK_LAYERS) $(LIBS_DAEMON) $(LIBS_FRONT)

FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
fuzzers:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" \
	    $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/fuzzers/%)

# make fuzz [FUZZ_SECONDS=N]: every harness for N seconds, corpus kept in
# build/fuzz/corpus between runs.
fuzz: deps
	@$(MAKE) --no-print-directory fuzzers all
	@BUILD=$(BUILD) scripts/fuzz-seeds build/fuzz/seeds
	@for f in build/fuzz/fuzzers/fuzz_*; do \
		n=$$(basename $$f); s=$${n#fuzz_}; mkdir -p build/fuzz/corpus/$$s; \
		echo "== $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		    build/fuzz/corpus/$$s build/fuzz/seeds/$$s || exit 1; \
	done

# Benchmarks: ratios measured side by side in one run, never timed tests.
bench: bench-saned bench-iscsi bench-lab bench-latency bench-bridge bench-escl
bench-saned: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-saned.sh
bench-iscsi: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-iscsi.sh
bench-latency: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-latency.sh
bench-bridge: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-bridge.sh
bench-lab: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-lab.sh
bench-escl: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/bench/bench-escl.sh

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/run-demo

# make check: the suite as built (gcc by default), then built by clang under
# AddressSanitizer + UBSan (which also proves clang builds clean), then the
# thread tests under ThreadSanitizer, the fuzz smoke and the layout rules.
# scripts/run-check times each part and adds up the counts.
SAN  = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TSAN = -fsanitize=thread -fno-omit-frame-pointer
check: deps
	@scripts/run-check

# The builds make check runs, each in its own tree beside the others.
check-build:
	@$(MAKE) --no-print-directory tests WERROR=-Werror
	@$(MAKE) --no-print-directory tests WERROR=-Werror BUILD=build/asan CC=clang CFLAGS="-O1 -g $(SAN)"
	@$(MAKE) --no-print-directory tests WERROR=-Werror BUILD=build/tsan CC=clang CFLAGS="-O1 -g $(TSAN)"
	@$(MAKE) --no-print-directory fuzzers WERROR=-Werror

check-tsan: deps
	@$(MAKE) --no-print-directory tests WERROR=-Werror BUILD=build/tsan CC=clang CFLAGS="-O1 -g $(TSAN)"
	@scripts/run-check tsan

check-layout:
	@scripts/check-layout

# make install [PREFIX=/usr/local] [DESTDIR=] [sysconfdir=/etc]: an admin's
# existing scsaned.conf is never replaced.
INSTALLED = $(sbindir)/scsaned $(sbindir)/scsaned-export-tgt $(bindir)/scsaned-sim \
        $(libdir)/scsaned/libsgsim.so $(libdir)/scsaned/scsaned-backend $(mandir)/man8/scsaned.8 $(mandir)/man5/scsaned.conf.5 \
        $(docdir)/README.md $(docdir)/configuration.md $(docdir)/scanner.conf.example \
        $(docdir)/scsaned.conf.example $(systemdunitdir)/scsaned.service \
        $(systemdunitdir)/scsaned.socket $(WEB_FILES:src/www/%=$(datadir)/scsaned/www/%)
WEB_FILES = src/www/index.html src/www/app.js src/www/style.css
install: all
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/scsaned \
	    $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(docdir) \
	    $(DESTDIR)$(sysconfdir)/scsaned $(DESTDIR)$(systemdunitdir)
	install -m 755 $(BUILD)/scsaned scripts/scsaned-export-tgt $(DESTDIR)$(sbindir)/
	install -m 755 $(BUILD)/scsaned-sim $(DESTDIR)$(bindir)/
	install -m 644 $(BUILD)/libsgsim.so $(DESTDIR)$(libdir)/scsaned/
	install -m 755 $(BUILD)/scsaned-backend $(DESTDIR)$(libdir)/scsaned/
	install -m 644 docs/scsaned.8 $(DESTDIR)$(mandir)/man8/
	install -m 644 docs/scsaned.conf.5 $(DESTDIR)$(mandir)/man5/
	install -m 644 README.md docs/configuration.md conf/tgt/scanner.conf.example \
	    conf/scsaned.conf.example $(DESTDIR)$(docdir)/
	test -e $(DESTDIR)$(sysconfdir)/scsaned/scsaned.conf || \
	    install -m 644 conf/scsaned.conf.example $(DESTDIR)$(sysconfdir)/scsaned/scsaned.conf
	sed 's|/usr/local/sbin/scsaned|$(sbindir)/scsaned|; s|/etc/scsaned/|$(sysconfdir)/scsaned/|' \
	    conf/systemd/scsaned.service > $(DESTDIR)$(systemdunitdir)/scsaned.service
	install -m 644 conf/systemd/scsaned.socket $(DESTDIR)$(systemdunitdir)/
	install -d $(DESTDIR)$(datadir)/scsaned/www
	install -m 644 $(WEB_FILES) $(DESTDIR)$(datadir)/scsaned/www/

# The admin's scsaned.conf stays, as a package's conffile would.
uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	-rmdir $(DESTDIR)$(libdir)/scsaned $(DESTDIR)$(docdir) \
	    $(DESTDIR)$(datadir)/scsaned/www $(DESTDIR)$(datadir)/scsaned 2>/dev/null

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
