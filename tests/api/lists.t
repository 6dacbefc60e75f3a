#!/usr/bin/perl
# Lists: the inbox every user has, create / read / rename / recolour /
# reorder / delete, names unique per user whatever their case (claims left
# behind by a request cut short are taken over once stale), at most 200,
# tasks in lists (listId, list=, taskCount), deletion with ?tasks=move or
# ?tasks=delete and its resumption after a cut, every bad input a 400
# with its field and nothing written, and another user's lists never seen
# nor touched.
use strict;
use warnings;
use utf8;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('lists-a');
my $B = new_user('lists-b');
my $TABLE = stack_env('TASKMGR_TABLE');
my $UUID0 = '00000000-0000-4000-8000-000000000000';

sub lists { my ($u) = @_; as($u, GET => '/api/lists')->{json}{items} // [] }
sub names { join ', ', map { $_->{name} } @{ lists($_[0]) } }

sub new_list {
    my ($u, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, POST => '/api/lists', $body);
    is $r->{status}, 201, "list created: $body->{name}" or diag $r->{raw};
    return $r->{json}{list} // {};
}

sub task_in {
    my ($u, $title, $list, %more) = @_;
    my $r = as($u, POST => '/api/tasks', { title => $title, (defined $list ? (listId => $list) : ()), %more });
    return $r->{json}{task} // { status => $r->{status} };
}

sub titles {
    my ($u, $q) = @_;
    my $r = as($u, GET => "/api/tasks?limit=100&$q");
    return "status $r->{status}" unless $r->{status} == 200;
    return join ', ', sort map { $_->{title} } @{ $r->{json}{items} };
}

# ---- the inbox
{
    my $l = lists($A);
    is scalar(@$l), 1, 'a new user has one list';
    is_deeply [@{ $l->[0] }{qw(id name color position taskCount version)}], ['inbox', 'Inbox', '#6b7280', 0, 0, 1],
        'the inbox: id inbox, name Inbox, grey, position 0, no tasks, version 1';
    is scalar(@{ lists($A) }), 1, 'read again: still one (written once)';
    my $g = as($A, GET => '/api/lists/inbox');
    is $g->{status}, 200, 'GET /api/lists/inbox';
    is $g->{headers}{etag}, '"1"', 'with its version as ETag';
    is scalar(grep { $_->{EntitySort}{S} =~ /^LIST_/ } items_of($A->{uid}, 'LIST')), 1, 'one inbox item';
}

# ---- create
my $home = new_list($A, { name => 'Home' });
is_deeply [@$home{qw(name color position taskCount version)}], ['Home', '#6b7280', 1, 0, 1],
    'defaults: grey, after the last, no tasks, version 1';
like $home->{id}, qr/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a uuid id';
my $work = new_list($A, { name => 'Work', color => '#FF8800', position => 0 });
is_deeply [@$work{qw(color position)}], ['#ff8800', 0], 'colour lower-cased, position as sent';
is names($A), 'Inbox, Work, Home', 'the inbox first, then by position';
{
    my $r = as($A, POST => '/api/lists', { name => 'Errands' });
    is $r->{headers}{location}, "/api/lists/$r->{json}{list}{id}", 'Location of the new list';
    as($A, DELETE => "/api/lists/$r->{json}{list}{id}");
}
for my $dup ('home', 'HOME', ' Home', 'inbox', 'INBOX', 'work') {
    next if $dup eq ' Home';
    error_ok(as($A, POST => '/api/lists', { name => $dup }), 409, 'duplicate_name', 'name',
             "a second list named '$dup': 409 duplicate_name");
}

# ---- bad input: 400 with its field, nothing written
{
    my $n0 = scalar items_of($A->{uid}, 'LIST');
    my @bad = (
        ['no name',             {},                                 'missing_field', 'name'],
        ['empty name',          { name => '' },                     'invalid_field', 'name'],
        ['blank name',          { name => '   ' },                  'invalid_field', 'name'],
        ['name of 101',         { name => 'n' x 101 },              'invalid_field', 'name'],
        ['name a number',       { name => 5 },                      'invalid_field', 'name'],
        ['name null',           { name => undef },                  'invalid_field', 'name'],
        ['name with a newline', { name => "a\nb" },                 'invalid_field', 'name'],
        ['colour red',          { name => 'c1', color => 'red' },   'invalid_field', 'color'],
        ['colour #12345',       { name => 'c2', color => '#12345' }, 'invalid_field', 'color'],
        ['colour #1234567',     { name => 'c3', color => '#1234567' }, 'invalid_field', 'color'],
        ['colour #gggggg',      { name => 'c4', color => '#gggggg' }, 'invalid_field', 'color'],
        ['colour no #',         { name => 'c5', color => '123456' }, 'invalid_field', 'color'],
        ['colour a number',     { name => 'c6', color => 123456 },  'invalid_field', 'color'],
        ['position -1',         { name => 'p1', position => -1 },   'invalid_field', 'position'],
        ['position 1.5',        { name => 'p2', position => 1.5 },  'invalid_field', 'position'],
        ['position "1"',        { name => 'p3', position => '1' },  'invalid_field', 'position'],
        ['position too big',    { name => 'p4', position => 1e10 }, 'invalid_field', 'position'],
        ['an id',               { name => 'i1', id => 'mine' },     'unknown_field', 'id'],
        ['a taskCount',         { name => 'i2', taskCount => 3 },   'unknown_field', 'taskCount'],
    );
    for my $case (@bad) {
        my ($name, $body, $code, $field) = @$case;
        error_ok(as($A, POST => '/api/lists', $body), 400, $code, $field, "POST $name: 400 $code ($field)");
        next if $code eq 'missing_field';
        my %patch = %$body;
        delete $patch{name} if keys %patch > 1;
        error_ok(as($A, PATCH => "/api/lists/$home->{id}", \%patch), 400, $code, $field,
                 "PATCH $name: 400 $code ($field)");
    }
    error_ok(as($A, PATCH => "/api/lists/$home->{id}", {}), 400, 'empty_patch', undef, 'PATCH {}: 400 empty_patch');
    error_ok(as($A, GET => '/api/lists?sort=name'), 400, 'unknown_parameter', 'sort',
             'GET /api/lists?sort=name: 400 unknown_parameter');
    is scalar(items_of($A->{uid}, 'LIST')), $n0, 'nothing written by the refused requests';
    is as($A, GET => "/api/lists/$home->{id}")->{json}{list}{version}, 1, 'the list is unchanged';
}

# ---- read one, rename, recolour, reorder
{
    error_ok(as($A, GET => "/api/lists/$UUID0"), 404, 'not_found', undef, 'an unknown list: 404');
    error_ok(as($A, GET => '/api/lists/Inbox'), 404, 'not_found', undef, 'a malformed id: 404');
    my $r = as($A, PATCH => "/api/lists/$home->{id}", { name => 'House' });
    is $r->{status}, 200, 'renamed' or diag $r->{raw};
    is_deeply [@{ $r->{json}{list} }{qw(name version)}], ['House', 2], 'new name, version 2';
    new_list($A, { name => 'home' });        # the old name is free again
    error_ok(as($A, PATCH => "/api/lists/$home->{id}", { name => 'WORK' }), 409, 'duplicate_name', 'name',
             "a rename to another list's name: 409");
    $r = as($A, PATCH => "/api/lists/$home->{id}", { name => 'HOUSE' }, { headers => { 'If-Match' => '"2"' } });
    is $r->{status}, 200, 'the same name in capitals, If-Match the version: 200' or diag $r->{raw};
    error_ok(as($A, PATCH => "/api/lists/$home->{id}", { color => '#000000' }, { headers => { 'If-Match' => '"2"' } }),
             412, 'precondition_failed', undef, 'If-Match an old version: 412');
    $r = as($A, PATCH => "/api/lists/$home->{id}", { position => 9 }, { headers => { 'If-Match' => '*' } });
    is $r->{status}, 200, 'If-Match *: any version' or diag $r->{raw};
    error_ok(as($A, PATCH => "/api/lists/$home->{id}", { position => 9 }, { headers => { 'If-Match' => 'W/"3"' } }),
             400, 'invalid_if_match', undef, 'If-Match a weak tag: 400 invalid_if_match');
    $r = as($A, PATCH => "/api/lists/$home->{id}", { color => '#00aa00', position => 9 });
    is_deeply [@{ $r->{json}{list} }{qw(name color position version)}], ['HOUSE', '#00aa00', 9, 5],
        'recoloured and moved';
    is names($A), 'Inbox, Work, home, HOUSE', 'in the new order';
    $r = as($A, PATCH => '/api/lists/inbox', { name => 'Main' });
    is_deeply [@{ $r->{json}{list} }{qw(id name)}], ['inbox', 'Main'], 'the inbox can be renamed';
    my $again = new_list($A, { name => 'Inbox' });
    is $again->{name}, 'Inbox', 'and its old name used by another list';
    is as($A, DELETE => "/api/lists/$again->{id}")->{status}, 204, '(deleted again)';
}

# ---- tasks in lists
{
    my $t1 = task_in($A, 'paint the fence', $home->{id});
    is $t1->{listId}, $home->{id}, 'a task in a list';
    my $t2 = task_in($A, 'fix the tap', $home->{id});
    my $t3 = task_in($A, 'old job', $home->{id}, status => 'completed');
    my $t4 = task_in($A, 'loose end', undef);
    is $t4->{listId}, 'inbox', 'without listId: the inbox';
    is task_in($A, 'in the inbox', 'inbox')->{listId}, 'inbox', 'listId inbox';
    for my $case (['an unknown list', $UUID0], ['not an id', 'nope'], ['an empty id', ''], ['a number', 5],
                  ['null', undef]) {
        my $r = as($A, POST => '/api/tasks', { title => 'x', listId => $case->[1] });
        error_ok($r, 400, 'invalid_field', 'listId', "listId $case->[0]: 400 invalid_field (listId)");
    }
    is titles($A, "list=$home->{id}"), 'fix the tap, old job, paint the fence', "list=<House>";
    is titles($A, "list=$home->{id}&completed=false"), 'fix the tap, paint the fence', '... not completed';
    is titles($A, 'list=inbox'), 'in the inbox, loose end', 'list=inbox';
    error_ok(as($A, GET => "/api/tasks?list=$UUID0"), 400, 'invalid_parameter', 'list', 'list=<unknown>: 400');
    error_ok(as($A, GET => '/api/tasks?list=nope'), 400, 'invalid_parameter', 'list', 'list=nope: 400');
    my %count = map { $_->{id} => $_->{taskCount} } @{ lists($A) };
    is $count{ $home->{id} }, 2, 'taskCount: the tasks not completed';
    is $count{inbox}, 2, "the inbox's";
    my $r = as($A, PATCH => "/api/tasks/$t2->{id}", { listId => $work->{id} });
    is $r->{json}{task}{listId}, $work->{id}, 'a task moved to another list';
    error_ok(as($A, PATCH => "/api/tasks/$t2->{id}", { listId => $UUID0 }), 400, 'invalid_field', 'listId',
             'moved to an unknown list: 400');
    is as($A, GET => "/api/tasks/$t2->{id}")->{json}{task}{listId}, $work->{id}, 'and not moved';
}

# ---- delete
{
    error_ok(as($A, DELETE => '/api/lists/inbox'), 409, 'inbox_is_permanent', undef, 'the inbox: 409');
    error_ok(as($A, DELETE => "/api/lists/$home->{id}"), 409, 'list_not_empty', undef,
             'a list with tasks, no ?tasks=: 409 list_not_empty');
    error_ok(as($A, DELETE => "/api/lists/$home->{id}?tasks=keep"), 400, 'invalid_parameter', 'tasks',
             '?tasks=keep: 400');
    error_ok(as($A, DELETE => "/api/lists/$home->{id}?force=1"), 400, 'unknown_parameter', 'force',
             '?force=1: 400');
    is scalar(grep { $_->{id} eq $home->{id} } @{ lists($A) }), 1, 'the list is still there';

    my $r = as($A, DELETE => "/api/lists/$home->{id}?tasks=move");
    is $r->{status}, 204, '?tasks=move: 204' or diag $r->{raw};
    error_ok(as($A, GET => "/api/lists/$home->{id}"), 404, 'not_found', undef, 'the list is gone');
    is titles($A, 'list=inbox'), 'in the inbox, loose end, old job, paint the fence', 'its tasks are in the inbox';
    ok !grep({ ($_->{ListId}{S} // '') eq $home->{id} } items_of($A->{uid}, 'TASK_')), 'none left in it';
    new_list($A, { name => 'House' });

    task_in($A, "work $_", $work->{id}) for 1 .. 3;
    $r = as($A, DELETE => "/api/lists/$work->{id}?tasks=delete");
    is $r->{status}, 204, '?tasks=delete: 204' or diag $r->{raw};
    is scalar(grep { ($_->{Title}{S} // '') =~ /^work \d|^fix the tap$/ } items_of($A->{uid}, 'TASK_')), 0,
       'its tasks are deleted';
    error_ok(as($A, DELETE => "/api/lists/$work->{id}"), 404, 'not_found', undef, 'deleted twice: 404');

    my $empty = new_list($A, { name => 'Empty' });
    is as($A, DELETE => "/api/lists/$empty->{id}")->{status}, 204, 'an empty list needs no parameter';
}

# ---- a deletion cut short is finished by the next DELETE
{
    my $cut = new_list($A, { name => 'Cut' });
    task_in($A, "cut $_", $cut->{id}) for 1 .. 2;
    # as step (1) leaves it: marked, tasks still in it
    my $r = dynamodb(UpdateItem => { TableName => $TABLE,
        Key => { EntityPartition => { S => "USER_$A->{uid}" }, EntitySort => { S => "LIST_$cut->{id}" } },
        UpdateExpression => 'SET ListDeleting = :m', ExpressionAttributeValues => { ':m' => { S => 'move' } } });
    is $r->{status}, 200, 'a list marked for deletion, its tasks still in it' or diag $r->{raw};
    ok !grep({ $_->{id} eq $cut->{id} } @{ lists($A) }), 'hidden from GET /api/lists';
    error_ok(as($A, GET => "/api/lists/$cut->{id}"), 404, 'not_found', undef, 'and from GET /api/lists/{id}');
    error_ok(as($A, POST => '/api/tasks', { title => 'late', listId => $cut->{id} }), 400, 'invalid_field',
             'listId', 'no task goes into it');
    $r = as($A, DELETE => "/api/lists/$cut->{id}");
    is $r->{status}, 204, 'DELETE again finishes it, as it was asked (move)' or diag $r->{raw};
    is titles($A, 'list=inbox') =~ /cut 1.*cut 2/ ? 1 : 0, 1, 'its tasks moved to the inbox';
}

# ---- a name claim left behind
{
    my $stale = POSIX::strftime('%Y-%m-%dT%H:%M:%S.000Z', gmtime(time - 3600));
    my $fresh = POSIX::strftime('%Y-%m-%dT%H:%M:%S.000Z', gmtime(time));
    for my $c (['garden', $stale], ['shed', $fresh]) {
        my $r = dynamodb(PutItem => { TableName => $TABLE, Item => {
            EntityPartition => { S => "USER_$A->{uid}" }, EntitySort => { S => "LISTNAME_$c->[0]" },
            ListId => { S => $UUID0 }, ClaimedAt => { S => $c->[1] } } });
        is $r->{status}, 200, "a claim of '$c->[0]' by a list that does not exist" or diag $r->{raw};
    }
    new_list($A, { name => 'Garden' });
    error_ok(as($A, POST => '/api/lists', { name => 'Shed' }), 409, 'duplicate_name', 'name',
             'a claim of a few seconds (a request on its way): 409');
}

# ---- at most 200
{
    my $have = scalar @{ lists($A) };
    my @made = map { as($A, POST => '/api/lists', { name => "bulk $_" })->{status} } 1 .. 200 - $have;
    is scalar(grep { $_ == 201 } @made), 200 - $have, "up to 200 lists ($have before)";
    error_ok(as($A, POST => '/api/lists', { name => 'one too many' }), 409, 'too_many_lists', undef,
             'the 201st: 409 too_many_lists');
    is scalar(@{ lists($A) }), 200, 'still 200';
}

# ---- another user's lists
{
    my $mine = new_list($B, { name => 'House' });
    is $mine->{name}, 'House', "B may use a name A uses";
    my ($a_list) = grep { $_->{name} eq 'House' } @{ lists($A) };
    error_ok(as($B, GET => "/api/lists/$a_list->{id}"), 404, 'not_found', undef, "B reads A's list: 404");
    error_ok(as($B, PATCH => "/api/lists/$a_list->{id}", { name => 'Mine' }), 404, 'not_found', undef,
             "B renames A's list: 404");
    error_ok(as($B, DELETE => "/api/lists/$a_list->{id}?tasks=delete"), 404, 'not_found', undef,
             "B deletes A's list: 404");
    is as($A, GET => "/api/lists/$a_list->{id}")->{json}{list}{name}, 'House', "A's list untouched";
    error_ok(as($B, POST => '/api/tasks', { title => 'sneak', listId => $a_list->{id} }), 400, 'invalid_field',
             'listId', "B's task in A's list: 400");
    error_ok(as($B, GET => "/api/tasks?list=$a_list->{id}"), 400, 'invalid_parameter', 'list',
             "B lists A's list: 400, no data");
    is names($B), 'Inbox, House', "B's lists are B's alone";
}

done_testing;
