#!/usr/bin/perl
# POST /api/notifications/read-all is bounded: one request marks at most
# 500 notifications read (each write holds memory until the request ends),
# answers 200 {"remaining": true} while some are left and 204 once none
# is; another user's notifications are never touched.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('readall-a');
my $B = new_user('readall-b');
my $TABLE = stack_env('TASKMGR_TABLE');

sub unread_of {
    my ($n, $uid) = @_;
    my $now = time;
    my @items = map {
        my $id = sprintf '%032x', $_ + ($uid =~ /^(..)/ ? hex($1) << 40 : 0);
        { PutRequest => { Item => {
            EntityPartition => { S => "USER_$uid" }, EntitySort => { S => "NOTIF_$id" },
            Type => { S => 'task_due' }, TaskId => { S => '00000000-0000-4000-8000-000000000001' },
            TaskTitle => { S => "t$_" }, Message => { S => "m$_" },
            NotificationTimestamp => { S => POSIX::strftime('%Y-%m-%dT%H:%M:%S', gmtime($now - $_)) . '.000Z' },
            Notif_isRead => { BOOL => JSON::PP::false() },
            NotificationExpiry => { N => '' . ($now + 86400) } } } }
    } 1 .. $n;
    while (my @batch = splice @items, 0, 25) {
        my $r = dynamodb(BatchWriteItem => { RequestItems => { $TABLE => \@batch } });
        die "BatchWriteItem: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    }
}

sub unread_count {
    my ($u) = @_;
    return as($u, GET => '/api/notifications?unread=true&limit=1')->{json}{unreadCount};
}

unread_of(620, $A->{uid});
unread_of(3, $B->{uid});
is unread_count($A), 620, '620 unread notifications';

my $r = as($A, POST => '/api/notifications/read-all');
is $r->{status}, 200, 'read-all: 200 while some are left' or diag $r->{raw};
is_deeply $r->{json}, { remaining => JSON::PP::true() }, '{"remaining": true}';
is unread_count($A), 120, 'at most 500 marked by one request';

$r = as($A, POST => '/api/notifications/read-all');
is $r->{status}, 204, 'again: 204, none left' or diag $r->{raw};
is unread_count($A), 0, 'all read';
is as($A, POST => '/api/notifications/read-all')->{status}, 204, 'nothing to do: 204';
is unread_count($B), 3, "the other user's are untouched";

done_testing;
