#!/usr/bin/perl
# Loads tasks straight into dynalite with the task service's item shape
# (BatchWriteItem, 4 loaders in parallel), for tests/bench/scheduler_pass.sh:
#   scheduler_load.pl DUE OTHER USERS
# DUE tasks due 3 to 23 hours ahead with two reminders: one whose time
# came in the last 10 minutes (the pass fires it), one an hour before due
# (in ReminderIndex, 2 hours ahead at least: no later pass of the bench
# meets it); OTHER due 2 to 90 days
# ahead, reminded a day and an hour before (in the index too, other days).
# Env: the stack's TASKMGR_* (stack.env).  Prints progress on stderr.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use POSIX ();
use TaskmgrScheduler qw(:all);

my ($due, $other, $users) = @ARGV;
die "usage: $0 DUE OTHER USERS\n" unless defined $users && $users > 0;
my $now = time;
my @subs = map { put_user() } 1 .. $users;

my $loaders = 4;
my $total = $due + $other;
my @pids;
for my $w (0 .. $loaders - 1) {
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        srand($$ ^ time);
        my @tasks;
        for (my $i = $w; $i < $total; $i += $loaders) {
            my $when = $i < $due ? $now + 3 * 3600 + int rand(20 * 3600)
                                 : $now + 2 * 86400 + int rand(88 * 86400);
            my $rs = $i < $due ? [{ at => iso($now - int rand 600) }, { before => 'PT1H' }]
                               : [{ before => 'P1D' }, { before => 'PT1H' }];
            push @tasks, { sub => $subs[$i % @subs], due => iso($when), title => "bench $i",
                           reminders => $rs };
        }
        my $every = 10_000 / $loaders;
        put_tasks(\@tasks, sub {
            printf STDERR "  loaded %d of %d\n", $_[0] * $loaders, $total
                if $w == 0 && $_[0] % $every == 0;
        });
        POSIX::_exit(0);
    }
    push @pids, $pid;
}
my $fail = 0;
for (@pids) {
    waitpid $_, 0;
    $fail ||= $?;
}
die "a loader failed\n" if $fail;
