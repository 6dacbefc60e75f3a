# taskmgr: `make` builds the nginx module and the unit tests,
# `make run` starts the local stack, `make test` runs every suite.
# SANITIZE=1 builds everything with AddressSanitizer + UBSan (separate
# build directories, so both builds can coexist).

NGX_SRC   ?= /usr/share/nginx/src
SANITIZE  ?=
PORT      ?= 8080

ifeq ($(SANITIZE),1)
SUFFIX    := -san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -fno-omit-frame-pointer
else
SUFFIX    :=
SAN_FLAGS :=
endif

OBJS      := $(CURDIR)/objs$(SUFFIX)
BUILD     := $(CURDIR)/build$(SUFFIX)
MODULE    := $(OBJS)/ngx_taskmgr_module.so

WARN      := -Wall -Wextra -Wno-unused-parameter -Werror
CFLAGS    := -std=gnu11 -O1 -g -fPIC $(WARN) $(SAN_FLAGS) -Icommon
LDLIBS    := -ljansson -lcrypto -lunistring -lical

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:common/%.c=$(BUILD)/common/%.o)
COMMON_LIB  := $(BUILD)/libtmcommon.a
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
MODULE_SRCS := $(wildcard ngx_taskmgr_module/*.c ngx_taskmgr_module/*.h) \
               $(COMMON_SRCS) $(wildcard common/*.h)

export SANITIZE PORT

.DEFAULT_GOAL := all

# each part of the product beyond the module (scheduler/, web/, infra/)
# brings its own make fragment (*/part.mk): it adds its build to `all`
-include $(wildcard */part.mk)

.PHONY: all module unit tools deps run stop test test-unit test-api bench bench-events bench-module lighthouse fuzz clean FORCE

all: module unit tools

# the module's sources are every .c of ngx_taskmgr_module/ and common/:
# config globs the same two directories when configure sources it.  This
# file holds the list configure last saw, rewritten only when a file is
# added or removed, so that configure runs again then (and only then)
MODULE_C    := $(sort $(wildcard ngx_taskmgr_module/*.c common/*.c))

# the module's objects at -O2 as Debian builds nginx itself (nginx's own
# default is -O: the JSON scanner was a third of a listing's CPU); a
# change of these flags configures again, like a change of the sources
MODULE_CC_OPT := -O2 $(WARN) $(SAN_FLAGS)

$(OBJS).srcs: FORCE
	@echo '$(MODULE_C) $(MODULE_CC_OPT)' | cmp -s - $@ 2> /dev/null \
	    || echo '$(MODULE_C) $(MODULE_CC_OPT)' > $@

FORCE:

# configure runs once per build directory (about 20 s), from nginx's
# source dir, writing only into $(OBJS)
# flock: two makes (a developer's and a test's) must not configure or
# build the same directory at once, or its config header gets both outputs
# (the module's objects removed: they depend on their sources only, not on
# the flags configure wrote)
$(OBJS)/Makefile: config $(OBJS).srcs
	rm -rf $(OBJS)/addon
	cd $(NGX_SRC) && flock $(OBJS).lock ./configure --with-compat \
	    --with-cc-opt="$(MODULE_CC_OPT)" \
	    --with-ld-opt="$(SAN_FLAGS)" \
	    --add-dynamic-module=$(CURDIR) --builddir=$(OBJS) > $(OBJS).configure.log 2>&1 \
	    || { cat $(OBJS).configure.log; exit 1; }

$(MODULE): $(OBJS)/Makefile $(MODULE_SRCS)
	flock $(OBJS).lock $(MAKE) -C $(NGX_SRC) -f $(OBJS)/Makefile modules

module: $(MODULE)

$(BUILD)/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(COMMON_LIB): $(COMMON_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(COMMON_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(COMMON_LIB) -lcmocka $(LDLIBS) $(SAN_FLAGS)

unit: $(UNIT_BINS)

# the API tests' iCalendar reader (tests/api/calendar_feed.t)
TOOLS       := $(BUILD)/tests/ics_dump

$(BUILD)/tests/ics_dump: tests/api/tools/ics_dump.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< -lical $(SAN_FLAGS)

tools: $(TOOLS)

deps:
	scripts/deps.sh

run: deps all
	scripts/stack.sh run

stop:
	scripts/stack.sh stop

test: deps all
	scripts/test.sh

test-unit: unit
	scripts/test.sh unit

test-api: all
	scripts/test.sh api

# figures, not pass/fail: the module against DynamoDB itself, same run
bench: deps all
	tests/bench/api_vs_dynamodb.sh
	tests/bench/search_views.sh

# figures: push (issue 14), idle subscribers' memory, publish -> receive,
# what publishing adds to a write
bench-events: deps all
	tests/bench/events.sh

# figures: the module against plain proxy_pass of the same DynamoDB reply
# from a canned server, and its workers' CPU per request and RSS
bench-module: deps all
	tests/bench/module_cost.sh

# figures: Lighthouse (mobile) on /login and /tasks, medians of 3 runs
lighthouse: deps all
	scripts/lighthouse.sh

# libFuzzer targets (tests/fuzz/*.c) with clang, under ASan + UBSan, over
# common/ built again with coverage; each runs FUZZ_SECONDS on a copy of
# its corpus (scripts/fuzz.sh)
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_BUILD   := $(CURDIR)/build-fuzz
FUZZ_SAN     := address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 -O1 -g $(WARN) -Icommon \
                -fsanitize=fuzzer-no-link,$(FUZZ_SAN)
FUZZ_OBJS    := $(COMMON_SRCS:common/%.c=$(FUZZ_BUILD)/common/%.o)
FUZZ_LIB     := $(FUZZ_BUILD)/libtmcommon.a
FUZZ_SRCS    := $(wildcard tests/fuzz/*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) \
	    $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BINS)

clean:
	rm -rf objs objs-san build build-san build-fuzz objs*.configure.log objs*.srcs
