#!/usr/bin/perl
# Completing a task is a chain of single-item writes (DESIGN.md, "Writes
# that must not be lost or doubled"): (1) the task, completed, with an
# outbox marker; (2) the task_completed notification under its
# deterministic id; (3) the marker removed.  This file is to check a chain
# cut after its first write: the task is completed and carries
# OutboxShard/OutboxAt, no notification yet; the scheduler's outbox drain
# (taskmgr-scheduler --once) then records exactly one notification and
# removes the marker, and running it again records nothing more.
#
# It needs the test-build fault hook that makes the module stop after
# write (1); that hook does not exist yet, so the test is skipped.
use strict;
use warnings;
use Test::More;

plan skip_all => 'a chain cut after its first write needs the test-build fault hook (not there yet)';
