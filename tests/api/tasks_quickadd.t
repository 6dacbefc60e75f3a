#!/usr/bin/perl
# POST /api/tasks/parse: what quick add reads in a line, creating nothing:
# the title, the due date in the caller's zone at a pinned now (the
# X-Taskmgr-Now test header), the list by name (listId when the caller has
# it, listName alone when not; another user's list is not theirs), labels,
# priority, repeat, and the recognised parts' offsets in UTF-16 code units;
# bad text refused with a clear 400.
use strict;
use warnings;
use utf8;
use Test::More;
use Time::Local qw(timegm);
use FindBin;
use lib "$FindBin::Bin/lib";
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('qa-a');
my $B = new_user('qa-b');

# Wednesday 2027-03-10 12:00 UTC
my $NOW = timegm(0, 0, 12, 10, 2, 2027);
my %pin = (headers => { 'X-Taskmgr-Now' => $NOW });

sub parse {
    my ($u, $text) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return as($u, POST => '/api/tasks/parse', { text => $text }, \%pin);
}

is as($A, PATCH => '/api/users/me', { timeZone => 'Europe/Berlin' })->{status}, 200, 'A in Berlin';
my $home = as($A, POST => '/api/lists', { name => 'Home' });
is $home->{status}, 201, 'A has a list Home' or diag $home->{raw};
my $home_id = $home->{json}{list}{id};
is as($B, POST => '/api/lists', { name => 'Garden' })->{status}, 201, 'B has a list Garden';

my $before = scalar @{ as($A, GET => '/api/tasks')->{json}{items} };

{
    my $r = parse($A, 'Pay rent tomorrow 5pm #home @bills p1');
    is $r->{status}, 200, 'parsed' or diag $r->{raw};
    my $t = $r->{json}{task};
    is $t->{title}, 'Pay rent', 'the title is what is left';
    is $t->{dueDate}, gmt_of('2027-03-11T17:00:00', 1), 'tomorrow 5pm Berlin (UTC+1)';
    is $t->{listId}, $home_id, 'the list by name, case ignored';
    is $t->{listName}, 'home', 'as written';
    is_deeply $t->{labels}, ['bills'], 'the label';
    is $t->{priority}, 1, 'p1';
    ok !exists $t->{repeat}, 'no repeat';
    is_deeply [map { $_->{kind} } @{ $r->{json}{tokens} }], [qw(date time list label priority)],
        'the recognised parts, in order';
    my ($d) = grep { $_->{kind} eq 'date' } @{ $r->{json}{tokens} };
    is substr('Pay rent tomorrow 5pm #home @bills p1', $d->{start}, $d->{end} - $d->{start}), 'tomorrow',
        'offsets into the text';
}

{
    my $r = parse($A, '📅 Water plants every monday #Garden');
    is $r->{status}, 200, 'parsed' or diag $r->{raw};
    my $t = $r->{json}{task};
    is $t->{listName}, 'Garden', "a list the caller does not have: listName";
    ok !exists $t->{listId}, "B's Garden is not A's: no listId";
    is_deeply $t->{repeat}, { rule => 'FREQ=WEEKLY;BYDAY=MO', from => 'due' }, 'every monday';
    my ($l) = grep { $_->{kind} eq 'list' } @{ $r->{json}{tokens} };
    # the emoji is two UTF-16 code units
    is $l->{start}, length('xx Water plants every monday '), 'offsets in UTF-16 code units';
}

{
    my $r = parse($A, 'Sort the mail #Inbox');
    is $r->{json}{task}{listId}, 'inbox', '#Inbox is the inbox';
    $r = as($A, POST => '/api/tasks', { quickAdd => 'Sort the mail #inbox' }, \%pin);
    is $r->{json}{task}{listId}, 'inbox', 'and a quick add files it there';
    ok !(grep { lc $_->{name} eq 'inbox' && $_->{id} ne 'inbox' } @{ as($A, GET => '/api/lists')->{json}{items} }),
        'no second Inbox made';
    as($A, DELETE => "/api/tasks/$r->{json}{task}{id}?permanent=true");
}

{
    my $r = parse($A, 'Call mum');
    is_deeply [$r->{json}{task}{dueDate}, $r->{json}{task}{priority}, $r->{json}{task}{labels}, $r->{json}{tokens}],
        [undef, 4, [], []], 'nothing recognised: the text is the title';
}

# refusals
for my $c (['#home p1', 'empty_title'], ['  ', 'empty_title'], ['x' x 3000, 'invalid_field']) {
    my $r = parse($A, $c->[0]);
    is $r->{status}, 400, "'" . substr($c->[0], 0, 10) . "': 400" or diag $r->{raw};
    is $r->{json}{error}{code}, $c->[1], "... $c->[1]";
    is $r->{json}{error}{field}, 'text', '... on text';
}
for my $b ({}, { text => 5 }, { text => 'x', dueDate => 'y' }) {
    my $r = as($A, POST => '/api/tasks/parse', $b);
    is $r->{status}, 400, 'a bad body: 400';
}
is api(GET => '/api/tasks/parse', undef, { bearer => $A->{token} })->{status}, 405, 'GET /api/tasks/parse: 405';
is api(POST => '/api/tasks/parse', { text => 'x' })->{status}, 401, 'no token: 401';

is scalar @{ as($A, GET => '/api/tasks')->{json}{items} }, $before, 'parsing created nothing';

# ---- POST /api/tasks {"quickAdd"}: made as parsed
{
    my $r = as($A, POST => '/api/tasks', { quickAdd => 'Pay rent tomorrow 5pm #home @bills p1' }, \%pin);
    is $r->{status}, 201, 'quick add: 201' or diag $r->{raw};
    my $t = $r->{json}{task};
    is $t->{title}, 'Pay rent', 'title';
    is $t->{dueDate}, gmt_of('2027-03-11T17:00:00', 1), 'due date';
    is $t->{listId}, $home_id, 'in the list named';
    is_deeply $t->{labels}, ['bills'], 'labels';
    is $t->{priority}, 1, 'priority';
    is_deeply [map { $_->{before} } @{ $t->{reminders} }], ['P1D'], "the profile's default reminders";
    ok $r->{headers}{location}, 'Location';

    $r = as($A, POST => '/api/tasks', { quickAdd => 'Water plants every monday #Garden' }, \%pin);
    is $r->{status}, 201, 'quick add with a new list: 201' or diag $r->{raw};
    $t = $r->{json}{task};
    is_deeply $t->{repeat}, { rule => 'FREQ=WEEKLY;BYDAY=MO', from => 'due' }, 'repeating';
    my $lists = as($A, GET => '/api/lists')->{json}{items};
    my ($garden) = grep { $_->{name} eq 'Garden' } @$lists;
    ok $garden, "A now has a list Garden (B's is B's)";
    is $t->{listId}, $garden->{id}, 'the task is in it';
    is scalar(grep { $_->{name} eq 'Garden' } @{ as($B, GET => '/api/lists')->{json}{items} }), 1,
        "B still has one Garden";

    $r = as($A, POST => '/api/tasks', { quickAdd => 'Plant bulbs #garden' }, \%pin);
    is $r->{json}{task}{listId}, $garden->{id}, 'the new list is found by name next time';

    for my $b ([{ quickAdd => 'x', title => 'y' }, 400, 'unknown_field'], [{ quickAdd => 5 }, 400, 'invalid_field'],
               [{ quickAdd => '#home' }, 400, 'empty_title'], [{ quickAdd => '' }, 400, undef]) {
        my $x = as($A, POST => '/api/tasks', $b->[0], \%pin);
        is $x->{status}, $b->[1], 'quick add refused: ' . JSON::PP->new->canonical->encode($b->[0]) or diag $x->{raw};
        is $x->{json}{error}{code}, $b->[2], "... $b->[2]" if $b->[2];
    }
}

# the UTC time of a Berlin wall-clock time (offset hours)
sub gmt_of { my ($local, $off) = @_; my ($d, $h) = $local =~ /^(.*T)(\d\d)/; sprintf('%s%02d%sZ', $d, $h - $off, substr($local, 13)) }

done_testing;
