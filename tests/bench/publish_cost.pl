#!/usr/bin/perl
# What publishing adds to a write (issue 14; tests/bench/events.sh runs
# it on two private stacks, push on Redis and push off): ROUNDS (60) tasks
# each completed (a notification: its unread count and two publishes) and
# then renamed (one publish), timed one at a time; the first 10 are left
# out; prints the medians.
use strict;
use warnings;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use ApiTest qw(register_user);

my $rounds = $ENV{ROUNDS} || 60;
my $u = register_user(tag => 'publish-cost');
die "register: $u->{r}{status}\n" unless $u->{r}{status} == 201;

my (@done, @plain);
for my $i (1 .. $rounds) {
    my $t = api(POST => '/api/tasks', { title => "t$i" }, { bearer => $u->{access} });
    my $id = $t->{json}{task}{id} // die "create: $t->{status}\n";
    my $t0 = Time::HiRes::time();
    my $r = api(PATCH => "/api/tasks/$id", { status => 'completed' }, { bearer => $u->{access} });
    die "complete: $r->{status}\n" unless $r->{status} == 200;
    push @done, (Time::HiRes::time() - $t0) * 1000 if $i > 10;
    $t0 = Time::HiRes::time();
    $r = api(PATCH => "/api/tasks/$id", { title => "u$i" }, { bearer => $u->{access} });
    die "rename: $r->{status}\n" unless $r->{status} == 200;
    push @plain, (Time::HiRes::time() - $t0) * 1000 if $i > 10;
}
my $med = sub { my @s = sort { $a <=> $b } @_; $s[$#s / 2] };
printf "%-10s completion median %5.1f ms, rename median %5.1f ms (%d each)\n",
    $ENV{TASKMGR_EVENTS_STORE} // 'redis', $med->(@done), $med->(@plain), scalar @done;
