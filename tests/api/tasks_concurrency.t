#!/usr/bin/perl
# Optimistic concurrency on tasks: ETag "<version>", If-Match on PATCH and
# DELETE (412 precondition_failed when stale, 400 invalid_if_match when
# malformed, nothing changed either way), and real races: two PATCHes sent
# at the same moment on two connections with the same If-Match give one
# 200 and one 412; without If-Match neither update is lost.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

# ---- requests sent at the same moment on separate connections
#
# Each request is [method, path, body-hashref, {header => value}]; every
# connection gets all of its request but the last byte, then the last
# bytes go out back to back, so nginx sees them complete together.
# Returns responses shaped like api()'s.
sub concurrently {
    my ($token, @reqs) = @_;
    my ($socks, $msgs) = raw_requests($token, @reqs);
    for my $i (0 .. $#$socks) {
        my $m = $msgs->[$i];
        write_all($socks->[$i], substr($m, 0, length($m) - 1));
    }
    Time::HiRes::sleep(0.05);    # let both partial requests be read
    write_all($socks->[$_], substr($msgs->[$_], -1)) for 0 .. $#$socks;
    return read_responses($socks, 15);
}

# ------------------------------------------------------------ the tests

my $A = new_user('tasks-etag');

my $r = as($A, POST => '/api/tasks', { title => 'v1', dueDate => '2031-09-09T09:00:00Z' });
is $r->{status}, 201, 'a task' or diag $r->{raw};
my $t = $r->{json}{task} || {};
my $path = "/api/tasks/$t->{id}";
is $r->{headers}{etag}, '"1"', 'POST: ETag "1"';

$r = as($A, GET => $path);
is $r->{headers}{etag}, '"1"', 'GET: ETag "1"';

# ---- If-Match that matches
$r = as($A, PATCH => $path, { title => 'v2' }, { headers => { 'If-Match' => '"1"' } });
is $r->{status}, 200, 'PATCH If-Match "1" (current): 200' or diag $r->{raw};
is $r->{headers}{etag}, '"2"', 'ETag "2"';
my $v2 = $r->{json}{task} || {};
is $v2->{version}, 2, 'version 2';

# ---- stale If-Match: 412, nothing changes
$r = as($A, PATCH => $path, { title => 'stale' }, { headers => { 'If-Match' => '"1"' } });
error_ok($r, 412, 'precondition_failed', undef, 'PATCH If-Match "1" (stale): 412 precondition_failed');
$r = as($A, GET => $path);
is_deeply $r->{json}{task}, $v2, 'the task is unchanged';
is $r->{headers}{etag}, '"2"', 'ETag still "2"';

$r = as($A, PATCH => $path, { title => 'future' }, { headers => { 'If-Match' => '"3"' } });
error_ok($r, 412, 'precondition_failed', undef, 'PATCH If-Match "3" (ahead): 412');
$r = as($A, PATCH => $path, { status => 'completed' }, { headers => { 'If-Match' => '"1"' } });
error_ok($r, 412, 'precondition_failed', undef, 'PATCH status completed with a stale If-Match: 412');
is scalar(completed_notifs($A->{uid}, $t->{id})), 0, '... and no task_completed notification';
$r = as($A, DELETE => $path, undef, { headers => { 'If-Match' => '"1"' } });
error_ok($r, 412, 'precondition_failed', undef, 'DELETE If-Match "1" (stale): 412');
ok task_item($A->{uid}, $t->{id}), 'the item is still there';
$r = as($A, GET => $path);
is_deeply $r->{json}{task}, $v2, 'the task is unchanged after the refused PATCHes and DELETE';
is task_item($A->{uid}, $t->{id})->{Version}{N}, 2, 'Version 2 in DynamoDB';

# ---- malformed If-Match: 400 invalid_if_match, nothing changes
for my $im ('abc', '"abc"', '2', '"2', '2"', "'2'", '"2.0"', '"0x2"', '"-1"x') {
    $r = as($A, PATCH => $path, { title => 'bad if-match' }, { headers => { 'If-Match' => $im } });
    error_ok($r, 400, 'invalid_if_match', undef, "PATCH If-Match $im: 400 invalid_if_match");
    $r = as($A, DELETE => $path, undef, { headers => { 'If-Match' => $im } });
    error_ok($r, 400, 'invalid_if_match', undef, "DELETE If-Match $im: 400 invalid_if_match");
}
$r = as($A, GET => $path);
is_deeply $r->{json}{task}, $v2, 'the task is unchanged after the malformed If-Match requests';

# If-Match on an unknown task: 404, not 412
$r = as($A, PATCH => '/api/tasks/0b7c5c1e-8f0e-4c7e-9d7a-1a2b3c4d5e6f', { title => 'x' },
        { headers => { 'If-Match' => '"1"' } });
error_ok($r, 404, 'not_found', undef, 'PATCH If-Match on an unknown id: 404');

# ---- PATCH races with the same If-Match: exactly one wins
my $cur = $v2;
for my $round (1 .. 10) {
    my $v = $cur->{version};
    my @res = concurrently($A->{token},
        [ PATCH => $path, { title => "race $round a" }, { 'If-Match' => qq{"$v"} } ],
        [ PATCH => $path, { title => "race $round b" }, { 'If-Match' => qq{"$v"} } ],
    );
    my @st = map { $_->{status} } @res;
    my @spec = map { spec_errors(PATCH => '/api/tasks/{id}', $_) } @res;
    ok !@spec, "race $round: both answers match the spec" or diag join "\n", @spec;
    is_deeply [ sort @st ], [ 200, 412 ], "race $round on version $v: one 200 and one 412"
        or diag explain [ map { "$_->{status} $_->{raw}" } @res ];
    my ($win) = grep { $res[$_]{status} == 200 } 0 .. 1;
    my ($lose) = grep { $res[$_]{status} == 412 } 0 .. 1;
    is $res[$lose]{json}{error}{code}, 'precondition_failed', "race $round: the loser says precondition_failed"
        if defined $lose;
    my $g = as($A, GET => $path);
    $cur = $g->{json}{task} || {};
    is $cur->{version}, $v + 1, "race $round: version " . ($v + 1) . ' (one update applied)';
    if (defined $win) {
        is $cur->{title}, "race $round " . ($win ? 'b' : 'a'), "race $round: the winner's title is stored";
        is_deeply $res[$win]{json}{task}, $cur, "race $round: the 200 answered the stored task";
        is $res[$win]{headers}{etag}, qq{"} . ($v + 1) . qq{"}, "race $round: the winner's ETag";
    }
    is task_item($A->{uid}, $t->{id})->{Version}{N}, $v + 1, "race $round: Version in DynamoDB";
}

# ---- completing in a race: one notification only
{
    my $v = $cur->{version};
    my @res = concurrently($A->{token},
        [ PATCH => $path, { status => 'completed' }, { 'If-Match' => qq{"$v"} } ],
        [ PATCH => $path, { status => 'completed' }, { 'If-Match' => qq{"$v"} } ],
    );
    my @spec = map { spec_errors(PATCH => '/api/tasks/{id}', $_) } @res;
    ok !@spec, 'concurrent completions: both answers match the spec' or diag join "\n", @spec;
    is_deeply [ sort map { $_->{status} } @res ], [ 200, 412 ], 'two concurrent completions: one 200, one 412'
        or diag explain [ map { "$_->{status} $_->{raw}" } @res ];
    is scalar(completed_notifs($A->{uid}, $t->{id})), 1, 'exactly one task_completed notification';
    my $it = task_item($A->{uid}, $t->{id});
    ok !exists $it->{OutboxShard}, 'no outbox marker left on the task';
    my $g = as($A, GET => $path);
    $cur = $g->{json}{task} || {};
    is $cur->{status}, 'completed', 'completed';
}

# ---- PATCH races without If-Match: no update is lost
for my $round (1 .. 5) {
    my $v = $cur->{version};
    my @res = concurrently($A->{token},
        [ PATCH => $path, { description => "free $round a" } ],
        [ PATCH => $path, { description => "free $round b" } ],
    );
    my @spec = map { spec_errors(PATCH => '/api/tasks/{id}', $_) } @res;
    ok !@spec, "free race $round: both answers match the spec" or diag join "\n", @spec;
    is_deeply [ map { $_->{status} } @res ], [ 200, 200 ], "free race $round: both 200"
        or diag explain [ map { "$_->{status} $_->{raw}" } @res ];
    is_deeply [ sort map { $_->{json}{task}{version} // 0 } @res ], [ $v + 1, $v + 2 ],
        "free race $round: versions " . ($v + 1) . ' and ' . ($v + 2);
    my $g = as($A, GET => $path);
    $cur = $g->{json}{task} || {};
    is $cur->{version}, $v + 2, "free race $round: version +2 in the end";
    my ($last) = grep { ($_->{json}{task}{version} // 0) == $v + 2 } @res;
    is $cur->{description}, $last->{json}{task}{description}, "free race $round: the later update is stored"
        if $last;
}

# ---- DELETE with the current If-Match
$r = as($A, DELETE => $path, undef, { headers => { 'If-Match' => qq{"$cur->{version}"} } });
is $r->{status}, 204, "DELETE If-Match \"$cur->{version}\" (current): 204" or diag $r->{raw};
ok task_item($A->{uid}, $t->{id})->{TrashedAt}, 'the item is in the trash';
$r = as($A, DELETE => $path, undef, { headers => { 'If-Match' => qq{"$cur->{version}"} } });
error_ok($r, 404, 'not_found', undef, 'DELETE it again with If-Match: 404');

# ---- DELETE racing a PATCH with the same If-Match: one of them
{
    my $x = as($A, POST => '/api/tasks', { title => 'delete race' });
    my $d = $x->{json}{task} || {};
    my @res = concurrently($A->{token},
        [ PATCH  => "/api/tasks/$d->{id}", { title => 'patched' }, { 'If-Match' => '"1"' } ],
        [ DELETE => "/api/tasks/$d->{id}", undef,                  { 'If-Match' => '"1"' } ],
    );
    my @st = map { $_->{status} } @res;
    my @spec = (spec_errors(PATCH => '/api/tasks/{id}', $res[0]), spec_errors(DELETE => '/api/tasks/{id}', $res[1]));
    ok !@spec, 'PATCH/DELETE race: both answers match the spec' or diag join "\n", @spec;
    ok(($st[0] == 200 && $st[1] == 412) || ($st[0] == 412 && $st[1] == 204),
       "PATCH and DELETE on the same If-Match: exactly one applies (got @st)")
        or diag explain [ map { "$_->{status} $_->{raw}" } @res ];
    my $it = task_item($A->{uid}, $d->{id});
    if ($st[1] == 204) {
        ok $it && $it->{TrashedAt} && $it->{Title}{S} ne 'patched', 'the DELETE won: the item is in the trash, unpatched';
    } else {
        is $it && $it->{Title}{S}, 'patched', 'the PATCH won: the item is patched';
    }
}

done_testing;
