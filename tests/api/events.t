#!/usr/bin/perl
# Push (issue 14): GET /api/events, nchan on the suite's Redis.
#   - 401 JSON before any stream: no token, a bad one, a revoked one;
#   - a subscriber gets its own "task" events (created, updated, deleted)
#     and its "notification" within 1 s of a completion, and of a
#     scheduler --once reminder; never another user's;
#   - "notifications_read" after PATCH read and read-all; a "task" event
#     after a snooze; every
#     notification event and read carries the owner's "unreadCount";
#   - Last-Event-ID: a reconnecting client gets what it missed;
#   - the same events as WebSocket text frames;
#   - a cookie authenticates it too (what a browser's EventSource sends).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrEvents qw(:all);
use TaskmgrScheduler qw(run_once iso register_with_prefs);
use ApiTest qw(register_user);

my $WITHIN = 1;    # s, the issue's bound

sub user {
    my ($tag) = @_;
    my $u = register_user(tag => $tag);
    die "register: $u->{r}{status} $u->{r}{raw}\n" unless $u->{r}{status} == 201;
    return $u;
}

sub create {
    my ($u, $body) = @_;
    my $r = api(POST => '/api/tasks', $body, { bearer => $u->{access} });
    die "create: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task};
}

sub of { my ($name, %m) = @_; return sub { my $e = shift; return 0 unless $e->{event} eq $name && ref $e->{json} eq 'HASH';
                                           for (keys %m) { return 0 unless ($e->{json}{$_} // '') eq $m{$_} } 1 } }

my $A = user('events-a');
my $B = user('events-b');

subtest 'refused before any stream: 401 JSON' => sub {
    for my $case ([none => {}], [bad => { token => 'not.a.token' }],
                  [forged => { token => $A->{access} . 'x' }]) {
        my $s = sse_open(%{ $case->[1] });
        is $s->{status}, 401, "$case->[0]: 401";
        like $s->{headers}{'content-type'} // '', qr{^application/json}, "$case->[0]: JSON";
        is $s->{json}{error}{code}, 'unauthorized', "$case->[0]: unauthorized";
        sse_close($s);
    }
    my $gone = user('events-revoked');
    my $r = $gone->{client}->api(POST => '/api/users/logout', {}, { bearer => $gone->{access} });
    ok $r->{status} =~ /^20[04]$/, 'logged out' or diag "$r->{status} $r->{raw}";
    my $s = sse_open(token => $gone->{access});
    is $s->{status}, 401, 'a revoked token: 401';
    sse_close($s);
};

subtest 'own task events and the completion notification within 1 s' => sub {
    my $sa = sse_open(token => $A->{access});
    my $sb = sse_open(token => $B->{access});
    is $sa->{status}, 200, 'A subscribed';
    like $sa->{headers}{'content-type'} // '', qr{^text/event-stream}, 'text/event-stream';
    is $sb->{status}, 200, 'B subscribed';
    Time::HiRes::sleep(0.2);

    my $t0 = Time::HiRes::time();
    my $t = create($A, { title => 'Pushed' });
    my ($e) = sse_wait($sa, $WITHIN, of('task', op => 'created', id => $t->{id}));
    ok $e, 'A: task created within 1 s' or diag explain $sa->{events};
    if ($e) {
        is $e->{json}{version}, $t->{version}, 'its version';
        is_deeply $e->{json}{task}, $t, 'the task exactly as POST answered it (nextOccurrences included)';
        ok length($e->{id} // ''), "an id ($e->{id})";
        note sprintf 'created -> event: %.0f ms', ($e->{t} - $t0) * 1000;
    }

    $t0 = Time::HiRes::time();
    my $r = api(PATCH => "/api/tasks/$t->{id}", { status => 'completed' }, { bearer => $A->{access} });
    is $r->{status}, 200, 'completed';
    my ($n) = sse_wait($sa, $WITHIN, of('notification', type => 'task_completed', taskId => $t->{id}));
    ok $n, 'A: its task_completed notification within 1 s' or diag explain [map { $_->{raw} } @{ $sa->{events} }];
    if ($n) {
        note sprintf 'completion -> notification: %.0f ms', ($n->{t} - $t0) * 1000;
        my $list = api(GET => '/api/notifications', undef, { bearer => $A->{access} });
        my ($listed) = grep { $_->{id} eq $n->{json}{id} } @{ $list->{json}{items} || [] };
        my %pushed = %{ $n->{json} };
        delete @pushed{qw(event unreadCount)};
        is_deeply \%pushed, $listed, 'the notification exactly as GET /api/notifications lists it';
        is $n->{json}{unreadCount}, $list->{json}{unreadCount}, "plus unreadCount, as the listing says it ($list->{json}{unreadCount})";
        is $n->{json}{unreadCount}, 1, 'one unread';
    }
    my ($u) = sse_wait($sa, $WITHIN, of('task', op => 'updated', id => $t->{id}));
    ok $u, 'A: task updated';
    is_deeply $u && $u->{json}{task}, $r->{json}{task}, 'the task exactly as PATCH answered it';

    # a plain edit, answered from DynamoDB's reply text
    $r = api(PATCH => "/api/tasks/$t->{id}", { priority => 3 }, { bearer => $A->{access} });
    is $r->{status}, 200, 'edited';
    ($u) = sse_wait($sa, $WITHIN, of('task', op => 'updated', id => $t->{id}, version => $r->{json}{task}{version}));
    is_deeply $u && $u->{json}{task}, $r->{json}{task}, 'the edited task exactly as PATCH answered it';
    is_deeply $r->{json}{task}{nextOccurrences}, [], 'nextOccurrences [] (not repeating)';

    $r = api(PATCH => "/api/notifications/$n->{json}{id}", { read => JSON::PP::true() }, { bearer => $A->{access} }) if $n;
    my ($read) = $n ? sse_wait($sa, $WITHIN, sub { $_[0]{event} eq 'notifications_read'
                                  && ref $_[0]{json}{ids} eq 'ARRAY' && $_[0]{json}{ids}[0] eq $n->{json}{id} }) : ();
    ok $read, 'A: notifications_read with its id';
    is $read && $read->{json}{unreadCount}, 0, 'and unreadCount 0 (it was the only one)';
    $r = api(PATCH => "/api/notifications/$n->{json}{id}", { read => JSON::PP::false() }, { bearer => $A->{access} }) if $n;
    my ($again) = $n ? sse_wait($sa, $WITHIN, sub { $_[0]{event} eq 'notification' && $_[0]{json}{id} eq $n->{json}{id}
                                                    && !$_[0]{json}{read} }) : ();
    is $again && $again->{json}{unreadCount}, 1, 'unread again: a notification event, unreadCount 1';
    $r = api(POST => '/api/notifications/read-all', {}, { bearer => $A->{access} });
    my ($all) = sse_wait($sa, $WITHIN, sub { $_[0]{event} eq 'notifications_read' && ($_[0]{json}{ids} // '') eq 'all' });
    ok $all, 'A: read-all is {"ids": "all"}';
    is $all && $all->{json}{unreadCount}, 0, 'unreadCount 0';

    $r = api(DELETE => "/api/tasks/$t->{id}", undef, { bearer => $A->{access} });
    is $r->{status}, 204, 'deleted (to the trash)';
    ok scalar(sse_wait($sa, $WITHIN, of('task', op => 'deleted', id => $t->{id}))), 'A: task deleted';

    sse_wait($sb, 0.5, sub { 0 });
    is scalar(@{ $sb->{events} }), 0, 'B heard nothing of A\'s' or diag explain $sb->{events};
    sse_close($_) for $sa, $sb;
};

subtest 'a scheduler --once reminder within 1 s' => sub {
    my $u = register_with_prefs(tag => 'events-sched');
    my $T = time;
    $T -= $T % 60;
    my $r = api(POST => '/api/tasks', { title => 'Remind me', dueDate => iso($T + 7200),
                                        reminders => [{ at => iso($T + 600) }] }, { bearer => $u->{token} });
    is $r->{status}, 201, 'a task with a reminder' or diag $r->{raw};
    my $s = sse_open(token => $u->{token});
    is $s->{status}, 200, 'subscribed';
    Time::HiRes::sleep(0.2);
    my $p = run_once(now => iso($T + 600));
    is $p->{rc}, 0, 'the pass' or diag $p->{err};
    my $done = Time::HiRes::time();
    my ($n) = sse_wait($s, $WITHIN, of('notification', type => 'task_due', taskId => $r->{json}{task}{id}));
    ok $n, 'its task_due notification, within 1 s of the pass' or diag $p->{err};
    is $n && $n->{json}{unreadCount}, 1, 'with unreadCount 1';
    # a snooze adds a reminder to the task: the other tabs hear of it
    my $v = $r->{json}{task}{version};
    my $z = $n ? api(POST => "/api/notifications/$n->{json}{id}/snooze", { for => 'PT1H' }, { bearer => $u->{token} }) : {};
    is $z->{status}, 201, 'snoozed' or diag $z->{raw};
    my ($e) = sse_wait($s, $WITHIN, of('task', op => 'updated', id => $r->{json}{task}{id}));
    ok $e && $e->{json}{version} > $v, "snooze: a task event, a newer version ($v -> " . ($e ? $e->{json}{version} : '-') . ')';
    note sprintf 'pass end -> event: %.0f ms (published during the pass)', (($n ? $n->{t} : $done) - $done) * 1000;
    sse_close($s);
};

subtest 'Last-Event-ID: what a disconnected client missed' => sub {
    my $s = sse_open(token => $A->{access});
    my $t = create($A, { title => 'Before' });
    my ($first) = sse_wait($s, $WITHIN, of('task', id => $t->{id}));
    ok $first && $first->{id}, 'an event with an id' or return;
    sse_close($s);

    my @ids = map { create($A, { title => "Missed $_" })->{id} } 1 .. 3;
    $s = sse_open(token => $A->{access}, last_event_id => $first->{id});
    my @got = sse_wait($s, 2, sub { $_[0]{event} eq 'task' }, 3);
    is_deeply [map { $_->{json}{id} } @got], \@ids, 'the three missed, in order, on reconnecting';
    sse_close($s);

    $s = sse_open(token => $A->{access});
    sse_wait($s, 0.5, sub { 0 });
    is scalar(@{ $s->{events} }), 0, 'a new stream without Last-Event-ID starts now';
    sse_close($s);
};

subtest 'WebSocket on the same URL' => sub {
    my $w = ws_open(token => $A->{access});
    is $w->{status}, 101, '101 Switching Protocols' or return;
    my $t = create($A, { title => 'Framed' });
    my ($f) = ws_wait($w, $WITHIN, sub { ref $_[0]{json} eq 'HASH' && ($_[0]{json}{id} // '') eq $t->{id} });
    ok $f, 'the task event as a text frame within 1 s';
    is $f && $f->{json}{event}, 'task', '"event" names it (frames have no event: line)';
    sse_close($w);
    my $bad = ws_open(token => 'nope');
    is $bad->{status}, 401, 'no upgrade without a valid token';
    sse_close($bad);
};

subtest 'the cookie, as an EventSource sends it' => sub {
    my @pairs = $A->{client}->header_pairs('/api/events');
    ok @pairs, 'A holds cookies from registering';
    my $s = sse_open(cookie => join('; ', @pairs));
    is $s->{status}, 200, 'subscribed with the cookie alone';
    sse_close($s);
};

done_testing;
