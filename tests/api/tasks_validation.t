#!/usr/bin/perl
# Bad input to the task service: every refusal is a JSON 4xx with the
# documented code and field (never a 5xx), and nothing is written, not
# even half of a PATCH.  The limits themselves are accepted (200 'é' in a
# title, 5000 characters of description, a leap day).
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

my $TABLE = stack_env('TASKMGR_TABLE');

my $A = new_user('tasks-valid');

# ---- POST /api/tasks: refused bodies, nothing created
my @post_bad = (
    # [name, body (ref: JSON, string: raw), status, code, field, content type]
    ['no title',                   {},                                            400, 'missing_field', 'title'],
    ['no title, a description',    { description => 'd' },                        400, 'missing_field', 'title'],
    ['empty title',                { title => '' },                               400, 'invalid_field', 'title'],
    ['blank title',                { title => '    ' },                           400, 'invalid_field', 'title'],
    ['title of tabs and newlines', { title => " \t\n " },                         400, 'invalid_field', 'title'],
    ['title of 201 ASCII',         { title => 'a' x 201 },                        400, 'invalid_field', 'title'],
    ["title of 201 'é'",           { title => 'é' x 201 },                        400, 'invalid_field', 'title'],
    ['title a number',             { title => 42 },                               400, 'invalid_field', 'title'],
    ['title an array',             { title => ['x'] },                            400, 'invalid_field', 'title'],
    ['title null',                 { title => undef },                            400, undef,           'title'],
    ['description of 5001',        { title => 't', description => 'd' x 5001 },   400, 'invalid_field', 'description'],
    ["description of 5001 'é'",    { title => 't', description => 'é' x 5001 },   400, 'invalid_field', 'description'],
    ['description a number',       { title => 't', description => 5 },            400, 'invalid_field', 'description'],
    ['description an object',      { title => 't', description => {} },           400, 'invalid_field', 'description'],
    ['unknown status',             { title => 't', status => 'done' },            400, 'invalid_field', 'status'],
    ['status in capitals',         { title => 't', status => 'Pending' },         400, 'invalid_field', 'status'],
    ['status empty',               { title => 't', status => '' },                400, 'invalid_field', 'status'],
    ['status a number',            { title => 't', status => 1 },                 400, 'invalid_field', 'status'],
    ['status true',                { title => 't', status => JSON::PP::true() },  400, 'invalid_field', 'status'],
    ['dueDate words',              { title => 't', dueDate => 'tomorrow' },       400, 'invalid_field', 'dueDate'],
    ['dueDate 2026-02-30',         { title => 't', dueDate => '2026-02-30T10:00:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate 2031-02-29 (no leap year)', { title => 't', dueDate => '2031-02-29T10:00:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate 2031-04-31',         { title => 't', dueDate => '2031-04-31T10:00:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate month 13',           { title => 't', dueDate => '2031-13-01T10:00:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate hour 25',            { title => 't', dueDate => '2031-03-01T25:00:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate minute 60',          { title => 't', dueDate => '2031-03-01T10:60:00Z' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate without offset',     { title => 't', dueDate => '2031-03-01T10:00:00' },  400, 'invalid_field', 'dueDate'],
    ['dueDate a date only',        { title => 't', dueDate => '2031-03-01' },           400, 'invalid_field', 'dueDate'],
    ['dueDate offset +25:00',      { title => 't', dueDate => '2031-03-01T10:00:00+25:00' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate trailing junk',      { title => 't', dueDate => '2031-03-01T10:00:00Zjunk' }, 400, 'invalid_field', 'dueDate'],
    ['dueDate a number',           { title => 't', dueDate => 20310301 },         400, 'invalid_field', 'dueDate'],
    ['dueDate empty',              { title => 't', dueDate => '' },               400, 'invalid_field', 'dueDate'],
    ['dueDate in year 10000 in UTC', { title => 't', dueDate => '9999-12-31T23:59:59-23:59' }, 400, 'invalid_field', 'dueDate'],
    ['an unknown field',           { title => 't', colour => 'red' },             400, 'unknown_field', 'colour'],
    ['an id',                      { title => 't', id => 'mine' },                400, 'unknown_field', 'id'],
    ['a version',                  { title => 't', version => 7 },                400, 'unknown_field', 'version'],
    ['a createdAt',                { title => 't', createdAt => '2031-01-01T00:00:00Z' }, 400, 'unknown_field', 'createdAt'],
    ['a completedAt',              { title => 't', completedAt => '2031-01-01T00:00:00Z' }, 400, 'unknown_field', 'completedAt'],
    ['a notificationSent',         { title => 't', notificationSent => JSON::PP::true() }, 400, 'unknown_field', 'notificationSent'],
    ['malformed JSON',             '{"title": "t"',                               400, 'invalid_json',  undef, 'application/json'],
    ['trailing garbage',           '{"title": "t"} x',                            400, 'invalid_json',  undef, 'application/json'],
    ['a JSON array',               '[{"title": "t"}]',                            400, 'invalid_json',  undef, 'application/json'],
    ['a JSON string',              '"t"',                                         400, 'invalid_json',  undef, 'application/json'],
    ['duplicate keys',             '{"title": "t", "title": "u"}',                400, 'invalid_json',  undef, 'application/json'],
    ['over 64 KiB',                { title => 't', description => 'd' x (66 * 1024) }, 413, 'payload_too_large', undef],
    ['text/plain',                 '{"title": "t"}',                              415, 'unsupported_media_type', undef, 'text/plain'],
);

my $n0 = scalar items_of($A->{uid}, 'TASK_');
for my $case (@post_bad) {
    my ($name, $body, $status, $code, $field, $ct) = @$case;
    my $r = as($A, POST => '/api/tasks', $body, $ct ? { content_type => $ct } : {});
    error_ok($r, $status, $code, $field, "POST $name: $status " . ($code // '') . ($field ? " ($field)" : ''));
}
is scalar(items_of($A->{uid}, 'TASK_')), $n0, 'none of the refused POSTs created a task';

{
    my $r = as($A, POST => '/api/tasks', undef);
    is $r->{status}, 400, 'POST without a body: 400' or diag $r->{raw};
    is scalar(items_of($A->{uid}, 'TASK_')), $n0, 'nothing created';
}

# ---- the limits are accepted
my @post_good = (
    ["title of 200 'é'",          { title => 'é' x 200 }],
    ['title of 200 ASCII',        { title => 'a' x 200 }],
    ['title of one character',    { title => 'x' }],
    ['description of 5000',       { title => 't', description => 'd' x 5000 }],
    ["description of 5000 'é'",   { title => 't', description => 'é' x 5000 }],
    ['description empty',         { title => 't', description => '' }],
    ['dueDate 2032-02-29',        { title => 't', dueDate => '2032-02-29T23:59:59Z' }],
    ['dueDate -00:30 offset',     { title => 't', dueDate => '2031-12-31T23:45:00-00:30' }, '2032-01-01T00:15:00Z'],
    ['every status: in_progress', { title => 't', status => 'in_progress' }],
);
for my $case (@post_good) {
    my ($name, $body, $due) = @$case;
    my $r = as($A, POST => '/api/tasks', $body);
    is $r->{status}, 201, "POST $name: 201" or diag $r->{raw};
    my $t = $r->{json}{task} || {};
    for my $k (sort keys %$body) {
        is $t->{$k}, $k eq 'dueDate' ? ($due // $body->{$k}) : $body->{$k}, "... $k as sent";
    }
}

# ---- PATCH: refused bodies change nothing
my $r = as($A, POST => '/api/tasks', { title => 'the original', description => 'as it was',
                                       dueDate => '2031-05-05T05:05:05Z' });
is $r->{status}, 201, 'a task to patch' or diag $r->{raw};
my $orig = $r->{json}{task} || {};
my $path = "/api/tasks/$orig->{id}";

my @patch_bad = (
    ['an empty object',            {},                                        400, 'empty_patch',   undef],
    ['empty title',                { title => '' },                           400, 'invalid_field', 'title'],
    ['blank title',                { title => '   ' },                        400, 'invalid_field', 'title'],
    ["title of 201 'é'",           { title => 'é' x 201 },                    400, 'invalid_field', 'title'],
    ['title null',                 { title => undef },                        400, 'invalid_field', 'title'],
    ['title a number',             { title => 1 },                            400, 'invalid_field', 'title'],
    ['description of 5001',        { description => 'd' x 5001 },             400, 'invalid_field', 'description'],
    ['description a number',       { description => 1 },                      400, 'invalid_field', 'description'],
    ['unknown status',             { status => 'archived' },                  400, 'invalid_field', 'status'],
    ['status null',                { status => undef },                       400, 'invalid_field', 'status'],
    ['status an array',            { status => ['pending'] },                 400, 'invalid_field', 'status'],
    ['dueDate 2026-02-30',         { dueDate => '2026-02-30T10:00:00Z' },     400, 'invalid_field', 'dueDate'],
    ['dueDate words',              { dueDate => 'next week' },                400, 'invalid_field', 'dueDate'],
    ['dueDate a number',           { dueDate => 0 },                          400, 'invalid_field', 'dueDate'],
    ['an unknown field',           { colour => 'red' },                       400, 'unknown_field', 'colour'],
    ['an id',                      { id => 'other' },                         400, 'unknown_field', 'id'],
    ['a version',                  { version => 99 },                         400, 'unknown_field', 'version'],
    ['a completedAt',              { completedAt => undef },                  400, 'unknown_field', 'completedAt'],
    ['a good title and an unknown field', { title => 'half', colour => 'red' }, 400, 'unknown_field', 'colour'],
    ['a good title and a bad status',     { title => 'half', status => 'x' }, 400, 'invalid_field', 'status'],
    ['a good status and a bad dueDate',   { status => 'completed', dueDate => '2026-02-30T10:00:00Z' },
                                                                              400, 'invalid_field', 'dueDate'],
    ['a good dueDate and a long title',   { dueDate => undef, title => 'a' x 201 }, 400, 'invalid_field', 'title'],
    ['malformed JSON',             '{"title": ',                              400, 'invalid_json',  undef, 'application/json'],
    ['a JSON array',               '[]',                                      400, 'invalid_json',  undef, 'application/json'],
    ['over 64 KiB',                { description => 'd' x (66 * 1024) },      413, 'payload_too_large', undef],
    ['text/plain',                 '{"title": "plain"}',                      415, 'unsupported_media_type', undef, 'text/plain'],
);
for my $case (@patch_bad) {
    my ($name, $body, $status, $code, $field, $ct) = @$case;
    my $x = as($A, PATCH => $path, $body, $ct ? { content_type => $ct } : {});
    error_ok($x, $status, $code, $field, "PATCH $name: $status $code" . ($field ? " ($field)" : ''));
    my $g = as($A, GET => $path);
    is_deeply $g->{json}{task}, $orig, "... and the task is unchanged (version $orig->{version})"
        or diag explain $g->{json};
}
{
    my $x = as($A, PATCH => $path, undef);
    is $x->{status}, 400, 'PATCH without a body: 400' or diag $x->{raw};
    my $g = as($A, GET => $path);
    is_deeply $g->{json}{task}, $orig, '... and the task is unchanged';
}
is scalar(grep { ($_->{TaskId}{S} // '') eq $orig->{id} } do {
    my $q = dynamodb(Query => {
        TableName                 => $TABLE,
        KeyConditionExpression    => 'EntityPartition = :p AND begins_with(EntitySort, :n)',
        ExpressionAttributeValues => { ':p' => { S => "USER_$A->{uid}" }, ':n' => { S => 'NOTIF_' } },
        ConsistentRead            => JSON::PP::true(),
    });
    @{ $q->{json}{Items} || [] };
}), 0, 'the refused "status completed" PATCH recorded no notification';

# ---- the query of GET /api/tasks
my @query_bad = (
    ['limit=0',                        400, 'invalid_parameter', 'limit'],
    ['limit=101',                      400, 'invalid_parameter', 'limit'],
    ['limit=abc',                      400, 'invalid_parameter', 'limit'],
    ['limit=-1',                       400, 'invalid_parameter', 'limit'],
    ['limit=1.5',                      400, 'invalid_parameter', 'limit'],
    ['limit=',                         400, 'invalid_parameter', 'limit'],
    ['limit=99999999999999999999',     400, 'invalid_parameter', 'limit'],
    ['status=done',                    400, 'invalid_parameter', 'status'],
    ['status=pending,done',            400, 'invalid_parameter', 'status'],
    ['status=PENDING',                 400, 'invalid_parameter', 'status'],
    ['dueFrom=notadate',               400, 'invalid_parameter', 'dueFrom'],
    ['dueFrom=2026-02-30T10:00:00Z',   400, 'invalid_parameter', 'dueFrom'],
    ['dueFrom=2031-03-01',             400, 'invalid_parameter', 'dueFrom'],
    ['dueTo=yesterday',                400, 'invalid_parameter', 'dueTo'],
    ['dueTo=2031-02-29T00:00:00Z',     400, 'invalid_parameter', 'dueTo'],
    ['dueTo=9999-12-31T23:59:59-23:59', 400, 'invalid_parameter', 'dueTo'],
    ['sort=importance',                400, 'invalid_parameter', 'sort'],
    ['colour=red',                     400, 'unknown_parameter', undef],
    ['limit=5&page=2',                 400, 'unknown_parameter', undef],
    ['cursor=abc',                     400, 'invalid_cursor',    undef],
    ['cursor=' . ('A' x 200),          400, 'invalid_cursor',    undef],
    ['cursor=%00%01%02',               400, 'invalid_cursor',    undef],
);
for my $case (@query_bad) {
    my ($q, $status, $code, $field) = @$case;
    my $x = as($A, GET => "/api/tasks?$q");
    error_ok($x, $status, $code, $field, 'GET /api/tasks?' . substr($q, 0, 40) . ": $status $code"
             . ($field ? " ($field)" : ''));
}
for my $q ('limit=1', 'limit=100', 'status=pending', 'status=pending,in_progress,completed',
           'sort=due', 'sort=updated', 'dueFrom=2031-01-01T00:00:00Z', 'dueTo=2031-01-01T00:00:00%2B05:00') {
    my $x = as($A, GET => "/api/tasks?$q");
    is $x->{status}, 200, "GET /api/tasks?$q: 200" or diag $x->{raw};
}

done_testing;
