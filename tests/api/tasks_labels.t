#!/usr/bin/perl
# Priorities and labels on tasks: the fields (defaults, as written,
# replaced, cleared), every bad value refused with its field and nothing
# written, the listing filters priority=, label= (repeatable, all must
# match, case ignored) and completed=false, their cursors bound to the
# filter, GET /api/labels, and another user's labels never seen.
use strict;
use warnings;
use utf8;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('labels-a');
my $B = new_user('labels-b');

sub create {
    my ($u, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, POST => '/api/tasks', $body);
    is $r->{status}, 201, "created: $body->{title}" or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub titles {
    my ($u, $query) = @_;
    my (@t, $cursor);
    do {
        my $q = $query . ($cursor ? '&cursor=' . uri_escape($cursor) : '');
        my $r = as($u, GET => "/api/tasks?$q");
        return "status $r->{status}: $r->{raw}" if $r->{status} != 200;
        push @t, map { $_->{title} } @{ $r->{json}{items} };
        $cursor = $r->{json}{nextCursor};
    } while ($cursor);
    return join ', ', sort @t;
}

# ---- the fields
{
    my $t = create($A, { title => 'plain' });
    is $t->{priority}, 4, 'priority defaults to 4';
    is_deeply $t->{labels}, [], 'labels default to []';

    $t = create($A, { title => 'marked', priority => 1, labels => ['Home', 'Straße', 'café'] });
    is $t->{priority}, 1, 'priority as sent';
    is_deeply $t->{labels}, ['Home', 'Straße', 'café'], 'labels as written, in order';
    my $g = as($A, GET => "/api/tasks/$t->{id}");
    is_deeply [$g->{json}{task}{priority}, $g->{json}{task}{labels}], [1, ['Home', 'Straße', 'café']],
        'and so read back';

    my $p = as($A, PATCH => "/api/tasks/$t->{id}", { labels => ['Work'], priority => 2 });
    is $p->{status}, 200, 'PATCH labels and priority' or diag $p->{raw};
    is_deeply [$p->{json}{task}{priority}, $p->{json}{task}{labels}], [2, ['Work']], 'labels replaced, priority set';
    $p = as($A, PATCH => "/api/tasks/$t->{id}", { title => 'marked again' });
    is_deeply [$p->{json}{task}{priority}, $p->{json}{task}{labels}], [2, ['Work']],
        'a PATCH without them keeps them';
    $p = as($A, PATCH => "/api/tasks/$t->{id}", { labels => [] });
    is_deeply $p->{json}{task}{labels}, [], '[] removes every label';
    my $item = task_item($A->{uid}, $t->{id});
    ok !exists $item->{Labels} && !exists $item->{LabelKeys}, 'and their attributes';

    my $ten = create($A, { title => 'ten labels', labels => [map { "l$_" } 1 .. 10] });
    is scalar(@{ $ten->{labels} }), 10, 'ten labels are accepted';
    my $long = create($A, { title => 'a long label', labels => ['é' x 40] });
    is_deeply $long->{labels}, ['é' x 40], 'a label of 40 characters is accepted';
    as($A, DELETE => "/api/tasks/$_->{id}") for $ten, $long;
}

# ---- bad values: refused with their field, nothing written
{
    my @bad = (
        ['priority 0',               { priority => 0 },                   'priority'],
        ['priority 5',               { priority => 5 },                   'priority'],
        ['priority "1"',             { priority => '1' },                 'priority'],
        ['priority 1.5',             { priority => 1.5 },                 'priority'],
        ['priority null',            { priority => undef },               'priority'],
        ['priority true',            { priority => JSON::PP::true() },    'priority'],
        ['labels a string',          { labels => 'home' },                'labels'],
        ['labels null',              { labels => undef },                 'labels'],
        ['labels an object',         { labels => { home => 1 } },         'labels'],
        ['labels of 11',             { labels => [map { "l$_" } 1 .. 11] }, 'labels'],
        ['a label empty',            { labels => [''] },                  'labels'],
        ['a label blank',            { labels => ['  '] },                'labels'],
        ['a label of 41',            { labels => ['a' x 41] },            'labels'],
        ['a label a number',         { labels => [5] },                   'labels'],
        ['a label null',             { labels => [undef] },               'labels'],
        ['a label an array',         { labels => [['a']] },               'labels'],
        ['a label with #',           { labels => ['a#b'] },               'labels'],
        ['a label with @',           { labels => ['@home'] },             'labels'],
        ['a label with ,',           { labels => ['a,b'] },               'labels'],
        ['a label with a newline',   { labels => ["a\nb"] },              'labels'],
        ['labels twice',             { labels => ['home', 'home'] },      'labels'],
        ['labels twice, other case', { labels => ['Home', 'HOME'] },      'labels'],
        ['labels twice, ß and SS',   { labels => ['Straße', 'STRASSE'] }, 'labels'],
    );
    my $n0 = scalar items_of($A->{uid}, 'TASK_');
    my $t = create($A, { title => 'the original', priority => 3, labels => ['keep'] });
    for my $case (@bad) {
        my ($name, $body, $field) = @$case;
        my $r = as($A, POST => '/api/tasks', { title => 'bad', %$body });
        error_ok($r, 400, 'invalid_field', $field, "POST $name: 400 invalid_field ($field)");
        $r = as($A, PATCH => "/api/tasks/$t->{id}", { title => 'changed', %$body });
        error_ok($r, 400, 'invalid_field', $field, "PATCH $name: 400 invalid_field ($field)");
    }
    is scalar(items_of($A->{uid}, 'TASK_')), $n0 + 1, 'no refused POST created a task';
    my $g = as($A, GET => "/api/tasks/$t->{id}")->{json}{task};
    is_deeply [$g->{title}, $g->{priority}, $g->{labels}, $g->{version}], ['the original', 3, ['keep'], 1],
        'no refused PATCH changed the task';
    as($A, DELETE => "/api/tasks/$t->{id}");
}

# ---- filters
my %id;
for my $t (['rent',     1, ['Home', 'Bills']],
           ['taxes',    1, ['bills']],
           ['groceries', 2, ['home']],
           ['report',   3, ['Work']],
           ['call mum', 4, []]) {
    $id{ $t->[0] } = create($A, { title => $t->[0], priority => $t->[1], labels => $t->[2] })->{id};
}
my $done = create($A, { title => 'old bills', priority => 1, labels => ['Bills'], status => 'completed' });
# a task written before priorities and labels existed: priority 4, none
{
    my $legacy = 'a1b2c3d4-0000-4000-8000-' . sprintf('%012d', $$);
    my $now = '2026-11-20T10:00:00.000Z';
    my $r = dynamodb(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$A->{uid}" }, EntitySort => { S => "TASK_$legacy" },
        Title => { S => 'legacy' }, Status => { S => 'pending' }, NotificationSent => { BOOL => JSON::PP::false() },
        CreatedAt => { S => $now }, TaskUpdatedAt => { S => $now }, Version => { N => '1' },
        TaskDueSort => { S => '~' } } });
    is $r->{status}, 200, 'a task item without Priority or Labels' or diag $r->{raw};
    my $g = as($A, GET => "/api/tasks/$legacy");
    is_deeply [$g->{json}{task}{priority}, $g->{json}{task}{labels}], [4, []], 'reads as priority 4, no labels';
}
# the deleted and refused tasks above are gone; these are A's tasks now
is titles($A, 'limit=100'), 'call mum, groceries, legacy, marked again, old bills, plain, rent, report, taxes',
    'all of them';
is titles($A, 'priority=1'), 'old bills, rent, taxes', 'priority=1';
is titles($A, 'priority=1,3'), 'old bills, rent, report, taxes', 'priority=1,3';
is titles($A, 'priority=4'), 'call mum, legacy, plain', 'priority=4, with the tasks written before priorities';
is titles($A, 'label=home'), 'groceries, rent', 'label=home matches Home and home';
is titles($A, 'label=BILLS'), 'old bills, rent, taxes', 'label=BILLS';
is titles($A, 'label=home&label=bills'), 'rent', 'two labels: tasks with both';
is titles($A, 'label=bil'), '', 'a label is matched whole, not by prefix';
is titles($A, 'label=Stra%C3%9Fe'), '', 'an unused label: none';
is titles($A, 'label=bills&completed=false'), 'rent, taxes', 'completed=false leaves completed tasks out';
is titles($A, 'completed=true&label=bills'), 'old bills, rent, taxes', 'completed=true keeps them';
is titles($A, 'priority=1&label=home&status=pending'), 'rent', 'combined with status';
is titles($A, 'priority=1,2&sort=due&limit=1'), 'groceries, marked again, old bills, rent, taxes',
    'paged one by one, sorted by due';
{
    my $r = as($A, GET => '/api/tasks?label=bills&limit=1');
    my $c = $r->{json}{nextCursor} // '';
    ok $c, 'a cursor of label=bills';
    error_ok(as($A, GET => '/api/tasks?label=home&limit=1&cursor=' . uri_escape($c)),
             400, 'invalid_cursor', 'cursor', 'it does not continue label=home: 400 invalid_cursor');
    error_ok(as($A, GET => '/api/tasks?limit=1&cursor=' . uri_escape($c)),
             400, 'invalid_cursor', 'cursor', 'nor the listing without a filter');
    is as($A, GET => '/api/tasks?label=bills&limit=1&cursor=' . uri_escape($c))->{status}, 200,
       'it continues its own listing';
}

# ---- sort=priority: priority, then due date (undated last), then updated
{
    my $U = new_user('labels-sort');
    my @made;
    for my $t (['p2 later', 2, '2031-02-01T00:00:00Z'], ['p1 undated', 1, undef], ['p4 default', undef, undef],
               ['p1 soon', 1, '2031-01-01T00:00:00Z'], ['p2 sooner', 2, '2031-01-15T00:00:00Z'],
               ['p1 undated too', 1, undef]) {
        my %b = (title => $t->[0]);
        $b{priority} = $t->[1] if defined $t->[1];
        $b{dueDate} = $t->[2] if defined $t->[2];
        push @made, as($U, POST => '/api/tasks', \%b)->{json}{task}{id};
    }
    my $order = sub {
        my ($q) = @_;
        my (@t, $c);
        do {
            my $r = as($U, GET => "/api/tasks?sort=priority&$q" . ($c ? '&cursor=' . uri_escape($c) : ''));
            return "status $r->{status}" if $r->{status} != 200;
            push @t, map { $_->{title} } @{ $r->{json}{items} };
            $c = $r->{json}{nextCursor};
        } while ($c);
        return join ', ', @t;
    };
    is $order->('limit=50'), 'p1 soon, p1 undated, p1 undated too, p2 sooner, p2 later, p4 default',
        'sort=priority: priority, then due date, then the least recently updated';
    is $order->('limit=1'), 'p1 soon, p1 undated, p1 undated too, p2 sooner, p2 later, p4 default',
        'the same, a task a page';
    as($U, PATCH => "/api/tasks/$made[1]", { description => 'touched' });
    is $order->('limit=50'), 'p1 soon, p1 undated too, p1 undated, p2 sooner, p2 later, p4 default',
        'a write moves a task after its equals';
    as($U, PATCH => "/api/tasks/$made[2]", { priority => 1, dueDate => '2030-12-01T00:00:00Z' });
    is $order->('priority=1&limit=50'), 'p4 default, p1 soon, p1 undated too, p1 undated',
        'a new priority and due date move it; with priority=';
}

# ---- bad filters
for my $case (['priority=0', 'priority'], ['priority=5', 'priority'], ['priority=1,', 'priority'],
              ['priority=p1', 'priority'], ['priority=', 'priority'], ['priority=12', 'priority'],
              ['label=', 'label'], ['label=a%23b', 'label'], ['label=%40home', 'label'],
              ['label=a,b', 'label'], ['label=' . ('a' x 41), 'label'],
              [join('&', map { "label=l$_" } 1 .. 11), 'label'],
              ['completed=maybe', 'completed'], ['completed=', 'completed'], ['completed=FALSE', 'completed']) {
    my ($q, $field) = @$case;
    error_ok(as($A, GET => "/api/tasks?$q"), 400, 'invalid_parameter', $field,
             'GET /api/tasks?' . substr($q, 0, 30) . ": 400 invalid_parameter ($field)");
}

# ---- GET /api/labels
{
    my $r = as($A, GET => '/api/labels');
    is $r->{status}, 200, 'GET /api/labels' or diag $r->{raw};
    is_deeply $r->{json}{items},
        [{ name => 'Bills', taskCount => 2 }, { name => 'Home', taskCount => 2 }, { name => 'Work', taskCount => 1 }],
        'each label once (case ignored), by name, counting tasks not completed'
        or diag explain $r->{json};
    as($A, PATCH => "/api/tasks/$id{report}", { status => 'completed' });
    is_deeply [map { $_->{name} } @{ as($A, GET => '/api/labels')->{json}{items} }], ['Bills', 'Home'],
        'a label whose tasks are all completed is gone';
    error_ok(as($A, GET => '/api/labels?name=x'), 400, 'unknown_parameter', 'name',
             'GET /api/labels?name=x: 400 unknown_parameter');
    for my $m (qw(POST PATCH DELETE)) {
        my $x = api($m => '/api/labels', $m eq 'POST' ? { name => 'x' } : undef, { bearer => $A->{token} });
        is $x->{status}, 405, "$m /api/labels: 405" or diag $x->{raw};
    }
    my $anon = call(GET => '/api/labels');
    is $anon->{status}, 401, 'without a token: 401';
}

# ---- another user's labels and tasks
{
    my $b = create($B, { title => 'b task', labels => ['Secret', 'home'], priority => 1 });
    is_deeply [map { $_->{name} } @{ as($B, GET => '/api/labels')->{json}{items} }], ['home', 'Secret'],
        "B's labels are B's alone";
    is_deeply [map { $_->{name} } @{ as($A, GET => '/api/labels')->{json}{items} }], ['Bills', 'Home'],
        "A does not see B's labels";
    is titles($B, 'label=home'), 'b task', "B's label=home finds B's task only";
    is titles($A, 'label=secret'), '', "A's label=secret finds nothing";
    is titles($A, 'priority=1&completed=false'), 'rent, taxes', "A's priority=1: A's tasks only";
    my $x = as($A, PATCH => "/api/tasks/$b->{id}", { labels => ['mine'] });
    error_ok($x, 404, 'not_found', undef, "A cannot relabel B's task: 404");
    is_deeply as($B, GET => "/api/tasks/$b->{id}")->{json}{task}{labels}, ['Secret', 'home'], "B's task unchanged";
}

done_testing;
