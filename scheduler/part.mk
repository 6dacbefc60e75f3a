# taskmgr-scheduler (scheduler/): built into $(BUILD) with the root
# Makefile's flags (SANITIZE=1: build-san/, ASan + UBSan), linking the
# shared common/ library.

SCHED_SRCS := $(wildcard scheduler/*.c)
SCHED_OBJS := $(SCHED_SRCS:scheduler/%.c=$(BUILD)/scheduler/%.o)
SCHED_BIN  := $(BUILD)/taskmgr-scheduler

.PHONY: scheduler bench-scheduler

all: $(SCHED_BIN)

scheduler: $(SCHED_BIN)

$(BUILD)/scheduler/%.o: scheduler/%.c scheduler/sched.h $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wunused-parameter -c -o $@ $<

$(SCHED_BIN): $(SCHED_OBJS) $(COMMON_LIB)
	$(CC) $(SAN_FLAGS) -o $@ $(SCHED_OBJS) $(COMMON_LIB) -lcurl $(LDLIBS)

# figures, not pass/fail: a reminder pass among 10,000 and 200,000 tasks;
# then 1 and 2 replicas sharing the shards by leases
bench-scheduler: deps all
	tests/bench/scheduler_pass.sh
	tests/bench/scheduler_replicas.sh
