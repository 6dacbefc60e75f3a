#!/usr/bin/perl
# The unread count of GET /api/notifications is remembered briefly (issue
# 16, item 7): a worker counts again only when the first page it sends has
# changed, the user's notifications were changed through the API (on any
# worker), or 10 s have passed.  Counted in nginx's own log of the
# module's DynamoDB subrequests on a private nginx with two workers; the
# count must be right after every kind of change.  The first page asked
# for holds one notification, so that most changes are past it.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use HTTP::Tiny ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);
use ApiCalls qw(items_of table);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-unread.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my $dir = "$tmp/u";

my $N = eval {
    nginx_start(name => 'u', tmp => "$tmp", workers => 2, logs => ['calls.log'], edit => sub {
        my ($c, $e) = @_;
        $c =~ s{^(http\s*\{\n)}{$1
    log_format  taskmgr_backend_calls  '\$msec \$pid';
}m or push @$e, 'http {';
        $c =~ s{^(\s*location = /_taskmgr/dynamodb \{\n)}{$1            log_subrequest  on;
            access_log      $dir/calls.log taskmgr_backend_calls;
}m or push @$e, 'location = /_taskmgr/dynamodb';
        return $c;
    });
};
ok $N, 'a private nginx with two workers, its DynamoDB calls logged' or do { diag $@; done_testing; exit };

my $reg = register_user(tag => 'unread');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $token = $reg->{access};
my $uid = $reg->{user}{id};

# one keep-alive connection: one worker
my $conn = HTTP::Tiny->new(keep_alive => 1, timeout => 15, agent => 'taskmgr-api-tests');
sub on_conn {
    my ($path) = @_;
    my $res = $conn->get("$N->{url}$path", { headers => { Authorization => "Bearer $token", Accept => 'application/json' } });
    return json_decode($res->{content} // '{}');
}
sub req { api($_[0], "$N->{url}$_[1]", $_[2], { bearer => $token }) }
sub calls { scalar(my @l = read_lines("$dir/calls.log")) }
# the unread count on the connection and the DynamoDB calls it took
sub unread {
    my ($path) = @_;
    my $before = calls();
    my $j = on_conn($path // '/api/notifications?limit=1');
    return ($j->{unreadCount}, calls() - $before);
}

my @t = map { req(POST => '/api/tasks', { title => "t$_" })->{json}{task}{id} } 1 .. 4;
req(PATCH => "/api/tasks/$_", { status => 'completed' }) for @t[0 .. 2];

my ($n, $c) = unread();
is $n, 3, 'three completions: unreadCount 3';
($n, $c) = unread();
is $n, 3, 'asked again: 3';
is $c, 1, 'with one DynamoDB call (the page), the count remembered';

# changes through the API to notifications past that first page of one
# item, on other connections (maybe the other worker): only the user's
# generation can tell
my $first = req(GET => '/api/notifications')->{json}{items}[-1];
is req(PATCH => "/api/notifications/$first->{id}", { read => JSON::PP::true() })->{status}, 200, 'one marked read';
($n, $c) = unread();
is $n, 2, 'unreadCount 2 at once';
cmp_ok $c, '>=', 2, 'counted again';

is req(PATCH => "/api/tasks/$t[3]", { status => 'completed' })->{status}, 200, 'another completion';
($n) = unread();
is $n, 3, 'unreadCount 3';

is req(DELETE => "/api/notifications/$first->{id}")->{status}, 204, 'the read one deleted';
($n) = unread();
is $n, 3, 'still 3';
my @all = @{ req(GET => '/api/notifications')->{json}{items} };
my ($unread_one) = grep { !$_->{read} } @all[1 .. $#all];
is req(DELETE => "/api/notifications/$unread_one->{id}")->{status}, 204, 'an unread one deleted';
($n) = unread();
is $n, 2, 'unreadCount 2';

# a notification the scheduler writes (not through the API): the newest, so
# the first page changes
{
    my ($item) = grep { $_->{Type}{S} eq 'task_completed' } items_of($uid, 'NOTIF_');
    my %new = %$item;
    $new{EntitySort} = { S => 'NOTIF_' . ('f' x 32) };
    $new{NotificationTimestamp} = { S => '2099-01-01T00:00:00.000Z' };
    $new{Notif_isRead} = { BOOL => JSON::PP::false() };
    delete @new{qw(OutboxShard OutboxAt)};
    my $r = dynamodb(PutItem => { TableName => table(), Item => \%new });
    is $r->{status}, 200, 'a notification written straight to the table' or diag $r->{raw};
    ($n, $c) = unread();
    is $n, 3, 'unreadCount 3 at once: the first page changed';
}

is req(POST => '/api/notifications/read-all')->{status}, 204, 'read-all';
($n) = unread();
is $n, 0, 'unreadCount 0';
($n) = unread('/api/notifications?unread=true');
is $n, 0, 'and with unread=true';

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
