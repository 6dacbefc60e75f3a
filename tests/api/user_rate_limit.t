#!/usr/bin/perl
# Every authenticated API request is limited per user (issue 16, item 7):
# limit_req keyed by $taskmgr_user, the sub of a token that verifies.
#
#   - one user's burst past the limit meets 429 rate_limited with
#     Retry-After, on every API service (tasks, lists, labels,
#     notifications, profile);
#   - another user at the same moment is not slowed;
#   - tokens forged with the first user's sub (bad signature) key nothing:
#     they are refused 401 and spend none of that user's allowance;
#   - requests without a token are not limited per user (401 as ever).
#
# On a private nginx (tests/lib/TaskmgrNginx.pm) whose taskmgr_user zone
# allows 2 r/s with a burst of 4; the suite's own stack runs with a high
# rate, since its tests drive one user hard.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use HTTP::Tiny ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);
use ApiNodes qw(me);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $BURST = 4;
my $tmp = File::Temp->newdir('taskmgr-userlimit.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";

my $N = eval {
    nginx_start(name => 'n', tmp => "$tmp", edit => sub {
        my ($c, $e) = @_;
        $c =~ s/(zone=taskmgr_user:\S+ rate=)\S+;/${1}2r\/s;/ or push @$e, 'taskmgr_user zone';
        my $n = $c =~ s/(limit_req  zone=taskmgr_user burst=)\d+/$1$BURST/g;
        # users, users/me (account deletion's zone too), tasks, labels,
        # lists, notifications, events (issue 14)
        push @$e, 'limit_req zone=taskmgr_user (7 locations)' unless $n == 7;
        return $c;
    });
};
ok $N, 'a private nginx with 2 r/s per user, burst 4' or do { diag $@; done_testing; exit };

my $a = register_user(tag => 'limit-a');
my $b = register_user(tag => 'limit-b');
is $_->{r}{status}, 201, 'a registered user' for $a, $b;

my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 15, agent => 'taskmgr-api-tests');
sub get {
    my ($path, $token) = @_;
    my $res = $http->get("$N->{url}$path", { headers => { Accept => 'application/json',
                                                          $token ? (Authorization => "Bearer $token") : () } });
    my $r = { status => $res->{status}, raw => $res->{content} // '', headers => $res->{headers} };
    $r->{json} = eval { json_decode($r->{raw}) };
    return $r;
}

my @paths = ('/api/tasks', '/api/lists', '/api/labels', '/api/notifications', '/api/users/me');

# ---- one user's burst, across the services
my @r = map { get($paths[$_ % @paths], $a->{access}) } 0 .. 14;
my @ok = grep { $_->{status} == 200 } @r;
my @limited = grep { $_->{status} == 429 } @r;
cmp_ok scalar(@ok), '>=', $BURST, 'the burst allowance is served';
cmp_ok scalar(@ok), '<=', $BURST + 2, 'and not much more within a moment';
is scalar(@ok) + scalar(@limited), 15, 'the rest: 429' or diag explain [map { $_->{status} } @r];
my $l = $limited[0] // { json => {}, headers => {} };
is $l->{json}{error}{code}, 'rate_limited', '429 is the JSON error rate_limited';
ok defined $l->{headers}{'retry-after'}, 'with Retry-After';
my %seen = map { my $i = $_; ($paths[$i % @paths] => 1) } grep { $r[$_]{status} == 429 } 0 .. $#r;
is scalar(keys %seen), scalar(@paths), 'on every API service' or diag explain \%seen;

# ---- another user meanwhile
is get('/api/tasks', $b->{access})->{status}, 200, 'another user at the same moment: 200';

# ---- forged tokens with the first user's sub spend nothing of theirs
Time::HiRes::sleep(($BURST + 1) / 2 + 0.5);    # the bucket empties
{
    my ($h, $p) = jwt_parts($a->{access});
    my $forged = jwt_make($h, $p) . '.c2lnbmF0dXJl';
    my @f = map { get('/api/tasks', $forged) } 1 .. 12;
    is scalar(grep { $_->{status} == 401 } @f), 12, '12 forged tokens with the same sub: 401 each, no 429';
    my @after = map { get('/api/tasks', $a->{access}) } 1 .. $BURST;
    is scalar(grep { $_->{status} == 200 } @after), $BURST, 'the user still has the whole burst';
}

# ---- no token: not limited per user
{
    my @n = map { get('/api/tasks') } 1 .. 12;
    is scalar(grep { $_->{status} == 401 } @n), 12, 'no token, 12 requests: 401 each, no 429';
}

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
