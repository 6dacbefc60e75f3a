#!/usr/bin/perl
# GET /api/users/me/export over 1,000 tasks: the JSON attachment parses
# and holds the profile, the lists, every task as the API writes it and
# every notification; ?format=csv the same tasks as RFC 4180 CSV (a header
# row, CRLF, quoted commas, quotes and newlines, UTF-8) but for those in
# the trash, which the JSON holds apart; both streamed
# (chunked) and whole even for a client that reads slowly, cut short (no
# last chunk) when DynamoDB fails half-way; another user's data never in
# either.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode ();
use JSON::PP ();
use Socket qw(:all);
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $N = 1000;
my @HEADER = qw(id title description status priority dueDate listId labels reminders repeatRule
                repeatFrom createdAt updatedAt completedAt lastCompletedAt);

sub task {
    my ($u, %t) = @_;
    my $r = as($u, POST => '/api/tasks', { %t });
    die "cannot create a task: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task};
}

sub uuid {
    my $h = join '', map { sprintf '%04x', int rand 65536 } 1 .. 8;
    substr($h, 12, 1) = '4';
    substr($h, 16, 1) = (qw(8 9 a b))[int rand 4];
    return join '-', unpack 'A8 A4 A4 A4 A12', $h;
}

# items straight into the table, 25 per BatchWriteItem
sub put_items {
    my @requests = map { { PutRequest => { Item => $_ } } } @_;
    while (my @batch = splice @requests, 0, 25) {
        my $req = { table() => \@batch };
        for my $try (1 .. 10) {
            my $r = dynamodb(BatchWriteItem => { RequestItems => $req });
            die "BatchWriteItem failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
            $req = $r->{json}{UnprocessedItems};
            last unless $req && %$req;
            Time::HiRes::sleep(0.05 * $try);
        }
        die "BatchWriteItem left items unprocessed\n" if $req && %$req;
    }
}

# RFC 4180 records: a field is quoted (its quotes doubled) or holds no
# comma, quote, CR or LF; records end with CRLF.  Dies on anything else.
sub parse_csv {
    my ($text) = @_;
    my (@rows, @row);
    pos($text) = 0;
    while (pos($text) < length $text) {
        my $field;
        if ($text =~ /\G"((?:[^"]|"")*)"/gc) {
            ($field = $1) =~ s/""/"/g;
        } else {
            $text =~ /\G([^,"\r\n]*)/gc;
            $field = $1;
        }
        push @row, $field;
        next if $text =~ /\G,/gc;
        die 'CSV: a record not ended by CRLF at byte ' . pos($text) . "\n" unless $text =~ /\G\r\n/gc;
        push @rows, [@row];
        @row = ();
    }
    return @rows;
}

my $A = new_user('export-a');
my $B = new_user('export-b');

# ---- A: a list, tasks through the API (one of each shape), a completion
# notification, and the rest of 1,000 copied straight into the table
my $list = as($A, POST => '/api/lists', { name => 'Errands' })->{json}{list};
my $odd = task($A, title => "Comma, \"quote\" and caf\x{e9} \x{2713}",
               description => "line one\nline two, \"quoted\"\r\nend",
               dueDate => '2027-01-01T09:00:00Z', labels => ['home', 'money'],
               listId => $list->{id}, priority => 1,
               reminders => [{ before => 'PT15M' }, { at => '2026-12-31T18:00:00Z' }]);
my $weekly = task($A, title => 'Weekly', dueDate => '2027-01-04T08:00:00Z',
                  repeat => { rule => 'FREQ=WEEKLY', from => 'due' });
my $done = task($A, title => 'Done', reminders => []);
my $r = as($A, PATCH => "/api/tasks/$done->{id}", { status => 'completed' });
is $r->{status}, 200, 'a task completed (a notification)';
my $plain = task($A, title => 'Bulk 0', reminders => []);
my $trashed = task($A, title => 'In the trash', reminders => []);
$r = as($A, DELETE => "/api/tasks/$trashed->{id}");
is $r->{status}, 204, 'a task put in the trash';
my $theirs = task($B, title => 'Secret of B', description => 'B only');

my $item = task_item($A->{uid}, $plain->{id});
my @copies;
for my $i (1 .. $N - 4) {
    my %c = %$item;
    $c{EntitySort} = { S => 'TASK_' . uuid() };
    $c{Title} = { S => "Bulk $i" };
    delete @c{qw(ReminderKey ReminderAt SearchText)};
    push @copies, \%c;
}
my $t0 = Time::HiRes::time();
put_items(@copies);
note sprintf 'copied %d tasks in %.1f s', scalar @copies, Time::HiRes::time() - $t0;

my %task_ids = map { (($_->{EntitySort}{S} =~ s/^TASK_//r) => 1) } grep { !$_->{TrashedAt} } items_of($A->{uid}, 'TASK_');
is scalar keys %task_ids, $N, "A has $N tasks";
my @notifs = items_of($A->{uid}, 'NOTIF_');
ok scalar @notifs >= 1, 'A has a notification';

# ---- JSON
$t0 = Time::HiRes::time();
$r = as($A, GET => '/api/users/me/export');
note sprintf 'JSON export in %.2f s, %d bytes', Time::HiRes::time() - $t0, length $r->{raw};
is $r->{status}, 200, 'GET /api/users/me/export: 200';
like $r->{headers}{'content-type'} // '', qr{^application/json}, 'application/json';
like $r->{headers}{'content-disposition'} // '', qr/^attachment; filename="taskmgr-export\.json"$/,
    'an attachment';
is $r->{headers}{'transfer-encoding'} // '', 'chunked', 'streamed (chunked), no Content-Length';
my $ex = $r->{json} || {};
is $ex->{user}{id}, $A->{uid}, "the caller's profile";
like $ex->{exportedAt} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'exportedAt';
is scalar @{ $ex->{tasks} || [] }, $N, "all $N tasks";
is_deeply { map { ($_->{id} => 1) } @{ $ex->{tasks} || [] } }, \%task_ids, '... each once, the stored ones';
is_deeply [map { $_->{id} } @{ $ex->{trash} || [] }], [$trashed->{id}], 'the trashed task apart, in "trash"';
my ($got) = grep { $_->{id} eq $odd->{id} } @{ $ex->{tasks} || [] };
my $want = as($A, GET => "/api/tasks/$odd->{id}")->{json}{task};
delete $want->{nextOccurrences};
is_deeply $got, $want, 'a task as GET /api/tasks/{id} has it (lists, labels, reminders)';
($got) = grep { $_->{id} eq $weekly->{id} } @{ $ex->{tasks} || [] };
is_deeply $got->{repeat}, { rule => 'FREQ=WEEKLY', from => 'due' }, '... and repeat';
my $lists = as($A, GET => '/api/lists')->{json}{items} || [];
is_deeply [sort map { $_->{id} } @{ $ex->{lists} || [] }], [sort map { $_->{id} } @$lists],
    'the lists GET /api/lists has';
is_deeply [map { $_->{name} } grep { $_->{id} eq $list->{id} } @{ $ex->{lists} || [] }], ['Errands'],
    '... with their names';
is scalar @{ $ex->{notifications} || [] }, scalar @notifs, 'every notification';
is $ex->{notifications}[0]{taskId}, $done->{id}, '... as the API writes them';
unlike $r->{raw}, qr/Secret of B|B only|\Q$theirs->{id}\E|\Q$B->{uid}\E/, "nothing of another user's";

$r = as($A, GET => '/api/users/me/export?format=json');
is scalar @{ $r->{json}{tasks} || [] }, $N, 'format=json: the same';

# ---- CSV
$r = api(GET => '/api/users/me/export?format=csv', undef, { bearer => $A->{token} });
is $r->{status}, 200, 'GET /api/users/me/export?format=csv: 200';
like $r->{headers}{'content-type'} // '', qr{^text/csv; charset=utf-8}, 'text/csv, UTF-8';
like $r->{headers}{'content-disposition'} // '', qr/^attachment; filename="taskmgr-tasks\.csv"$/,
    'an attachment';
is $r->{headers}{'transfer-encoding'} // '', 'chunked', 'streamed';
like $r->{headers}{'cache-control'} // '', qr/no-store/, 'not cached';
my @rows = eval { parse_csv(Encode::decode('UTF-8', $r->{raw}, Encode::FB_CROAK)) };
is $@, '', 'valid UTF-8 and RFC 4180';
is_deeply $rows[0], \@HEADER, 'a header row';
is scalar @rows, $N + 1, "$N records after it";
is scalar(grep { @$_ != @HEADER } @rows), 0, 'each with every column';
my %col;
@col{@HEADER} = 0 .. $#HEADER;
is_deeply { map { ($_->[0] => 1) } @rows[1 .. $#rows] }, \%task_ids, 'each task once, none in the trash';
my ($row) = grep { $_->[0] eq $odd->{id} } @rows;
$row ||= [];
is $row->[$col{title}], "Comma, \"quote\" and caf\x{e9} \x{2713}", 'commas, quotes and UTF-8 survive';
is $row->[$col{description}], "line one\nline two, \"quoted\"\r\nend", '... and line breaks';
is $row->[$col{labels}], 'home, money', 'labels joined';
is $row->[$col{reminders}], 'PT15M, 2026-12-31T18:00:00Z', 'reminders joined';
is $row->[$col{listId}], $list->{id}, 'the list';
is $row->[$col{priority}], '1', 'the priority';
is $row->[$col{dueDate}], '2027-01-01T09:00:00Z', 'the due date';
($row) = grep { $_->[0] eq $weekly->{id} } @rows;
is_deeply [@{ $row || [] }[ @col{qw(repeatRule repeatFrom)} ]], ['FREQ=WEEKLY', 'due'], 'the repeat';
unlike $r->{raw}, qr/Secret of B|\Q$theirs->{id}\E/, "nothing of another user's";

# ---- B sees B's alone
$r = as($B, GET => '/api/users/me/export');
is_deeply [map { $_->{id} } @{ $r->{json}{tasks} || [] }], [$theirs->{id}], "B's export: B's task alone";
unlike $r->{raw}, qr/\Q$A->{uid}\E|Bulk|Errands/, '... nothing of A';

# ---- refused
$r = as($A, GET => '/api/users/me/export?format=xml');
error_ok($r, 400, 'invalid_parameter', 'format', 'format=xml: 400', GET => '/api/users/me/export');
$r = api(GET => '/api/users/me/export');
error_ok($r, 401, 'unauthorized', undef, 'no session: 401', GET => '/api/users/me/export');

# ---- DynamoDB failing once the reply has begun: the transfer is cut (no
# last chunk), never a short file that looks whole
$r = api(GET => '/api/users/me/export', undef,
         { bearer => $A->{token}, headers => { 'X-Taskmgr-Fault' => 'stream-cut' } });
is $r->{status}, 599, 'a failure after the first chunk: the transfer is cut short'
    or diag "$r->{status} " . substr($r->{raw}, -200);
$r = api(GET => '/api/users/me/export?format=csv', undef,
         { bearer => $A->{token}, headers => { 'X-Taskmgr-Fault' => 'stream-cut' } });
is $r->{status}, 599, '... the CSV too';

# ---- a client that reads slowly (a small receive buffer, a pause): the
# server waits for it page by page and the export still arrives whole
{
    my ($host, $port) = base_url() =~ m{^https?://([^:/]+):(\d+)} or die 'base url';
    socket(my $s, PF_INET, SOCK_STREAM, IPPROTO_TCP) or die "socket: $!";
    setsockopt($s, SOL_SOCKET, SO_RCVBUF, 4096) or die "SO_RCVBUF: $!";
    connect($s, pack_sockaddr_in($port, inet_aton($host))) or die "connect: $!";
    write_all($s, "GET /api/users/me/export HTTP/1.1\r\nHost: $host:$port\r\n"
                  . "Authorization: Bearer $A->{token}\r\nConnection: close\r\n\r\n");
    sleep 2;
    my $raw = '';
    while (1) {
        my $n = sysread $s, my $chunk, 4096;
        last unless $n;
        $raw .= $chunk;
    }
    close $s;
    my $slow = parse_response($raw);
    is $slow->{status}, 200, 'a slow reader: 200';
    is scalar @{ $slow->{json}{tasks} || [] }, $N, "... all $N tasks";
}

my $log = stack_env('TASKMGR_NGINX_ERROR_LOG');
if (open my $fh, '<', $log) {
    my @bad = grep { /\[(?:alert|crit|emerg)\]/ } <$fh>;
    is_deeply \@bad, [], 'no alert in the error log';
}

done_testing;
