#!/usr/bin/perl
# What one user may hold (issue 16, item 7): tasks (taskmgr_max_tasks) and
# completion notifications (taskmgr_max_completions), each a counter in the
# user's COUNTS item.
#
#   - past the cap, POST /api/tasks is 409 limit_reached and writes
#     nothing; a delete makes room; another user is not concerned;
#   - a counter left high (a request cut short) is counted again from the
#     items when it says full, unless it was counted in the last 10 min;
#   - past the completion cap a completion still completes the task but
#     adds no notification; deleting one makes room again.
#
# On a private nginx (tests/lib/TaskmgrNginx.pm) with caps of 5 tasks and
# 3 completion notifications.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);
use ApiCalls qw(items_of user_entity table);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my ($MAX_TASKS, $MAX_DONE) = (5, 3);
my $tmp = File::Temp->newdir('taskmgr-quota.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";

my $N = eval {
    nginx_start(name => 'n', tmp => "$tmp", edit => sub {
        my ($c, $e) = @_;
        $c =~ s/^(\s*)(taskmgr_cookie_secure\s)/${1}taskmgr_max_tasks           $MAX_TASKS;\n${1}taskmgr_max_completions     $MAX_DONE;\n$1$2/m
            or push @$e, 'taskmgr_cookie_secure';
        return $c;
    });
};
ok $N, "a private nginx: at most $MAX_TASKS tasks and $MAX_DONE completion notifications" or do { diag $@; done_testing; exit };

sub user {
    my ($tag) = @_;
    my $reg = register_user(tag => $tag);
    is $reg->{r}{status}, 201, "user $tag registered" or diag $reg->{r}{raw};
    return { token => $reg->{access}, uid => $reg->{user}{id} };
}
sub req {
    my ($u, $method, $path, $body) = @_;
    return api($method, "$N->{url}$path", $body, { bearer => $u->{token} });
}
sub create { req($_[0], POST => '/api/tasks', { title => $_[1] }) }
sub counts { user_entity($_[0]{uid}, 'COUNTS') // {} }
sub set_counts {
    my ($u, %attrs) = @_;
    my $r = dynamodb(PutItem => { TableName => table(), Item => {
        EntityPartition => { S => "USER_$u->{uid}" }, EntitySort => { S => 'COUNTS' },
        map { $_ => { N => "$attrs{$_}" } } keys %attrs } });
    die "PutItem: $r->{status} $r->{raw}" unless $r->{status} == 200;
}

# ---- the task cap
my $a = user('quota-a');
my $b = user('quota-b');
my @ids;
for my $i (1 .. $MAX_TASKS) {
    my $r = create($a, "task $i");
    is $r->{status}, 201, "task $i of $MAX_TASKS: 201" or diag $r->{raw};
    push @ids, $r->{json}{task}{id};
}
my $r = create($a, 'one too many');
is $r->{status}, 409, 'past the cap: 409';
is $r->{json}{error}{code}, 'limit_reached', 'limit_reached';
like $r->{json}{error}{message} // '', qr/\b$MAX_TASKS tasks\b/, 'the message says how many';
is scalar(items_of($a->{uid}, 'TASK_')), $MAX_TASKS, 'and nothing was written';
is counts($a)->{Tasks}{N}, $MAX_TASKS, 'the counter says 5';
is create($b, 'another user')->{status}, 201, 'another user is not concerned';

is req($a, DELETE => "/api/tasks/$ids[0]")->{status}, 204, 'a delete';
is counts($a)->{Tasks}{N}, $MAX_TASKS - 1, 'lowers the counter';
is create($a, 'in its place')->{status}, 201, 'makes room for one';
is create($a, 'and no more')->{status}, 409, 'and one only';

# ---- a counter left high
{
    my $c = user('quota-c');
    create($c, "c $_") for 1 .. 2;
    set_counts($c, Tasks => $MAX_TASKS, TasksCountedAt => 0);
    my $r = create($c, 'after a recount');
    is $r->{status}, 201, 'a counter left high (5, 2 tasks held) is counted again: 201' or diag $r->{raw};
    is counts($c)->{Tasks}{N}, 3, 'the counter now says 3';
    cmp_ok abs(counts($c)->{TasksCountedAt}{N} - time), '<', 30, 'counted now';

    set_counts($c, Tasks => $MAX_TASKS, TasksCountedAt => time);
    is create($c, 'trusted')->{status}, 409, 'counted in the last 10 min: the counter is trusted, 409';
}

# ---- completion notifications
{
    my $d = user('quota-d');
    my @t = map { create($d, "done $_")->{json}{task}{id} } 1 .. 4;
    my $notifs = sub { scalar grep { ($_->{Type}{S} // '') eq 'task_completed' } items_of($d->{uid}, 'NOTIF_') };
    for my $i (0 .. 2) {
        is req($d, PATCH => "/api/tasks/$t[$i]", { status => 'completed' })->{status}, 200, "completion $i";
    }
    is $notifs->(), $MAX_DONE, "$MAX_DONE completions: $MAX_DONE notifications";
    my $r = req($d, PATCH => "/api/tasks/$t[3]", { status => 'completed' });
    is $r->{status}, 200, 'one more completion: the task is completed';
    is $r->{json}{task}{status}, 'completed', 'status completed';
    is $notifs->(), $MAX_DONE, 'but no notification past the cap';
    is task_marker($d, $t[3]), undef, 'and no outbox marker left on the task';

    my $list = req($d, GET => '/api/notifications');
    my ($one) = @{ $list->{json}{items} || [] };
    is req($d, DELETE => "/api/notifications/$one->{id}")->{status}, 204, 'a completion notification deleted';
    is counts($d)->{Completions}{N}, $MAX_DONE - 1, 'lowers the counter';
    is req($d, PATCH => "/api/tasks/$t[3]", { status => 'pending' })->{status}, 200, 'reopened';
    is req($d, PATCH => "/api/tasks/$t[3]", { status => 'completed' })->{status}, 200, 'completed again';
    is $notifs->(), $MAX_DONE, 'now notified';
}

sub task_marker {
    my ($u, $id) = @_;
    my $item = user_entity($u->{uid}, "TASK_$id") // {};
    return $item->{OutboxAt} ? $item->{OutboxAt}{S} : undef;
}

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
