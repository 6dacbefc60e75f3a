#!/usr/bin/perl
# The calendar feed: POST /api/users/me/calendar gives a secret URL, the
# feed there is read without any credentials and parsed back with libical
# (build/tests/ics_dump): one VEVENT per dated task not completed, UIDs
# stable across fetches, RRULE for a task repeating from its due date
# (DTSTART in the owner's zone), VALARMs for reminders; another user's
# tasks never in it; a rotated or revoked URL, an unknown or malformed
# token: 404; only the token's hash is stored, and no log holds the token.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);
use Digest::SHA ();

my $REPO = "$FindBin::Bin/../..";
my $DUMP = ($ENV{SANITIZE} ? "$REPO/build-san" : "$REPO/build") . '/tests/ics_dump';
system('make', '-s', '-C', $REPO, 'tools') == 0 or BAIL_OUT('cannot build ics_dump') unless -x $DUMP;

# the feed at URL, read without credentials, and what libical makes of it
sub feed {
    my ($url) = @_;
    my $r = api(GET => $url, undef, { headers => { Accept => 'text/calendar' } });
    return $r unless $r->{status} == 200;
    my $f = "/tmp/calendar_feed.$$.ics";
    open my $fh, '>', $f or die "$f: $!";
    print $fh $r->{raw};
    close $fh;
    my @lines = `$DUMP < $f`;
    unlink $f;
    $r->{ics} = { events => {} };
    for (@lines) {
        chomp;
        if (/^calendar (\S+) errors (\d+)$/) { @{ $r->{ics} }{qw(kind errors)} = ($1, $2) }
        elsif (/^count (\S+) (\d+)$/) { $r->{ics}{count}{$1} = $2 }
        elsif (/^event (\S+) (\S+) (\S+) (\S+) (\d+) (.*)$/) {
            $r->{ics}{events}{$1} = { start => $2, tzid => $3, rrule => $4, alarms => $5, summary => $6 };
        }
    }
    return $r;
}

sub task {
    my ($u, %t) = @_;
    my $r = as($u, POST => '/api/tasks', { %t });
    die "cannot create a task: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task};
}

# the CALFEED items naming user UID (Scan: a test table is small)
sub feed_items {
    my ($uid) = @_;
    my (@items, $start);
    do {
        my $r = dynamodb(Scan => {
            TableName                 => table(),
            FilterExpression          => 'begins_with(EntityPartition, :p) AND #o = :o',
            ExpressionAttributeNames  => { '#o' => 'Owner' },
            ExpressionAttributeValues => { ':p' => { S => 'CALFEED_' }, ':o' => { S => "USER_$uid" } },
            ConsistentRead            => JSON::PP::true(),
            ($start ? (ExclusiveStartKey => $start) : ()),
        });
        die "Scan failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
        push @items, @{ $r->{json}{Items} || [] };
        $start = $r->{json}{LastEvaluatedKey};
    } while ($start);
    return @items;
}

my $A = new_user('calfeed-a');
my $B = new_user('calfeed-b');

as($A, PATCH => '/api/users/me', { timeZone => 'Europe/Berlin' });

my $weekly = task($A, title => 'Stand-up, weekly', dueDate => '2027-01-04T08:00:00Z',
                  repeat => { rule => 'FREQ=WEEKLY;BYDAY=MO', from => 'due' },
                  reminders => [{ before => 'PT15M' }]);
my $rent = task($A, title => 'Pay "rent", now', dueDate => '2027-01-01T09:00:00Z',
                description => "bank;\ntransfer", labels => ['home', 'money'],
                reminders => [{ before => 'P1D' }, { at => '2026-12-31T18:00:00Z' }]);
my $plain = task($A, title => 'Plain', dueDate => '2027-02-01T12:00:00Z', reminders => []);
my $undated = task($A, title => 'Someday', reminders => []);
my $binned = task($A, title => 'Binned', dueDate => '2027-01-05T09:00:00Z', reminders => []);
as($A, DELETE => "/api/tasks/$binned->{id}");
my $done = task($A, title => 'Done already', dueDate => '2027-01-02T09:00:00Z', reminders => []);
as($A, PATCH => "/api/tasks/$done->{id}", { status => 'completed' });
my $theirs = task($B, title => 'Secret of B', dueDate => '2027-01-03T09:00:00Z');

# ---- no feed yet: nothing to revoke is fine
my $r = as($A, DELETE => '/api/users/me/calendar');
is $r->{status}, 204, 'DELETE without a feed: 204';

# ---- POST: a URL with a 256-bit token
$r = as($A, POST => '/api/users/me/calendar');
is $r->{status}, 201, 'POST /api/users/me/calendar: 201' or diag $r->{raw};
my $url = $r->{json}{url} // '';
my ($token) = $url =~ m{^http://[^/]+/api/calendar/([A-Za-z0-9_-]{43})\.ics$};
ok $token, "a feed URL: $url";
$token //= 'x';

my @items = feed_items($A->{uid});
is scalar @items, 1, 'one feed item for the user';
is $items[0]{EntityPartition}{S}, 'CALFEED_' . Digest::SHA::sha256_hex($token),
    'keyed by the SHA-256 of the token';
my $stored = JSON::PP->new->canonical->encode([@items, ApiTest::user_item($A->{uid})]);
unlike $stored, qr/\Q$token\E/, 'the token itself is stored nowhere';

# ---- the feed, without credentials
$r = feed($url);
is $r->{status}, 200, 'the feed: 200 without any Authorization or cookie' or diag $r->{raw};
like $r->{headers}{'content-type'} // '', qr{^text/calendar\b}, 'text/calendar';
like $r->{raw}, qr/\ABEGIN:VCALENDAR\r\n/, 'a VCALENDAR, CRLF lines';
like $r->{raw}, qr/END:VCALENDAR\r\n\z/, '... ended';
my $ics = $r->{ics} || {};
is $ics->{kind}, 'VCALENDAR', 'libical parses it';
is $ics->{errors}, 0, '... without errors';
is $ics->{count}{VEVENT}, 3, 'three VEVENTs: the dated tasks not completed nor trashed';
is $ics->{count}{VTODO}, 0, 'no VTODO';
is $ics->{count}{VTIMEZONE}, 1, "the owner's VTIMEZONE";
my %ev = %{ $ics->{events} };
is_deeply [sort keys %ev], [sort map {"$_->{id}\@taskmgr"} $weekly, $rent, $plain],
    'UIDs are the task ids';
my $w = $ev{"$weekly->{id}\@taskmgr"} || {};
is $w->{rrule}, 'FREQ=WEEKLY;BYDAY=MO', 'the weekly task has its RRULE';
is $w->{tzid}, 'Europe/Berlin', "... its DTSTART in the owner's zone";
is $w->{start}, '20270104T090000', '... at 09:00 there';
is $w->{alarms}, 1, '... and its VALARM';
my $p = $ev{"$rent->{id}\@taskmgr"} || {};
is $p->{rrule}, '-', 'a task that does not repeat has no RRULE';
is $p->{start}, '20270101T090000Z', '... its DTSTART in UTC';
is $p->{alarms}, 2, '... a VALARM per reminder';
is $p->{summary}, 'Pay "rent", now', '... the title as SUMMARY';
like $r->{raw}, qr/\r\nDESCRIPTION:bank\\;\\ntransfer\r\n/, '... the description escaped';
is $ev{"$plain->{id}\@taskmgr"}{alarms}, 0, 'no reminder, no VALARM';
like $r->{raw}, qr/\r\nTRIGGER:-P1D\r\n/, 'a relative reminder: a TRIGGER before the start';
like $r->{raw}, qr/\r\nTRIGGER;VALUE=DATE-TIME:20261231T180000Z\r\n/, 'an absolute one: at its time';
like $r->{raw}, qr/\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/, 'DTSTAMP';
unlike $r->{raw}, qr/Secret of B|\Q$theirs->{id}\E/, "another user's task is not in it";
unlike $r->{raw}, qr/Someday|Done already|Binned/, 'neither undated, completed nor trashed tasks';

my $again = feed($url);
is_deeply [sort keys %{ $again->{ics}{events} || {} }], [sort keys %ev], 'the UIDs are stable across fetches';

# a changed task keeps its UID
as($A, PATCH => "/api/tasks/$plain->{id}", { title => 'Plain, renamed' });
$again = feed($url);
is $again->{ics}{events}{"$plain->{id}\@taskmgr"}{summary}, 'Plain, renamed', 'an edit keeps the UID';

my $head = api(HEAD => $url);
is $head->{status}, 200, 'HEAD: 200';
is $head->{raw}, '', '... no body';

# ---- unknown and malformed tokens
my $unknown = $url =~ s{/[A-Za-z0-9_-]{43}\.ics$}{'/' . ('A' x 43) . '.ics'}er;
error_ok(api(GET => $unknown), 404, 'not_found', undef, 'an unknown token: 404', GET => tmpl($unknown));
for my $bad ('/api/calendar/short.ics', "/api/calendar/${token}x.ics", "/api/calendar/$token",
             '/api/calendar/' . ('!' x 43) . '.ics') {
    my $b = api(GET => $bad);
    is $b->{status}, 404, "$bad: 404";
}

# ---- rotation: a new URL, the old one refused at once
$r = as($A, POST => '/api/users/me/calendar');
is $r->{status}, 201, 'a second POST: 201';
my $url2 = $r->{json}{url} // '';
isnt $url2, $url, '... a new URL';
error_ok(feed($url), 404, 'not_found', undef, 'the old URL: 404 after rotation', GET => tmpl($url));
is feed($url2)->{status}, 200, 'the new URL works';
is scalar(feed_items($A->{uid})), 1, "the old feed's item is deleted";

# another user's feed is their own
$r = as($B, POST => '/api/users/me/calendar');
my $bf = feed($r->{json}{url} // '');
is_deeply [keys %{ $bf->{ics}{events} || {} }], ["$theirs->{id}\@taskmgr"], "B's feed holds B's task alone";

# ---- revocation
$r = as($A, DELETE => '/api/users/me/calendar');
is $r->{status}, 204, 'DELETE /api/users/me/calendar: 204';
error_ok(feed($url2), 404, 'not_found', undef, 'the URL: 404 after revocation', GET => tmpl($url2));
is scalar(feed_items($A->{uid})), 0, 'no feed item left';

# ---- only the owner's session manages the feed
$r = api(POST => '/api/users/me/calendar', undef, { xhr => 1 });
error_ok($r, 401, 'unauthorized', undef, 'POST without a session: 401', POST => '/api/users/me/calendar');

# ---- no token in the access log
my $log = stack_env('TASKMGR_RUN_DIR') . '/access.log';
if (open my $fh, '<', $log) {
    local $/;
    my $text = <$fh>;
    unlike $text, qr/\Q$token\E/, 'the access log never holds a token';
    like $text, qr{"/api/calendar/\{token\}\.ics"}, '... the feed is logged as its template';
}

# ---- no token in the error log: nginx writes the request line with each
# message about a request; the feed's rate limit logs "limiting requests"
my $limited = 0;
for (1 .. 80) {
    my $x = api(GET => "/api/calendar/$token.ics");
    $limited++ if $x->{status} == 429;
    last if $limited >= 3;
}
ok $limited, 'the feed\'s rate limit answered 429 (and logged it)';
Time::HiRes::sleep(0.2);
if (open my $fh, '<', stack_env('TASKMGR_NGINX_ERROR_LOG')) {
    local $/;
    my $text = <$fh>;
    like $text, qr{limiting requests.*request: "GET /api/calendar/\{token\}\.ics HTTP/1\.1"}, 'the error log writes the feed as its template';
    unlike $text, qr/\Q$token\E/, 'the error log never holds a token';
}
# let the feed's per-address limit recover for the suites after this one
Time::HiRes::sleep(2);

done_testing;
