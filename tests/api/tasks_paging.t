#!/usr/bin/perl
# GET /api/tasks over 250 tasks: both sorts, the filters (status, dueFrom,
# dueTo, inclusive), pages of 7 with the cursor, each task exactly once and
# in order, checked against what was created; the default and maximum
# limits; cursors that were tampered with are refused.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use MIME::Base64 ();
use Time::HiRes ();
use Time::Local ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

sub ts { my @t = gmtime $_[0]; sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0] }

my $A;

# requests on separate connections, each written at once, answers read
# together; returns responses shaped like api()'s
sub raw_batch {
    my (@reqs) = @_;
    my ($socks, $msgs) = raw_requests($A->{token}, @reqs);
    write_all($socks->[$_], $msgs->[$_]) for 0 .. $#$socks;
    return read_responses($socks, 30);
}

$A = new_user('tasks-paging');
my $N = 250;

# ---- 250 tasks: 2/3 with a due date out of 40 values (so many equal),
# statuses pending 2/5, in_progress 2/5, completed 1/5
my $base = Time::Local::timegm(0, 0, 0, 5, 0, 2031);
my @pool = map { ts($base + $_ * 3 * 86400 + ($_ % 4) * 6 * 3600) } 0 .. 39;
my (%task, @order);

# a task as a listing shows it: without nextOccurrences, which only a task
# answered alone has
sub listed_form { my %t = %{ $_[0] }; delete $t{nextOccurrences}; return \%t }
my $t0 = Time::HiRes::time();
my @fail;
my @bodies;
for my $i (0 .. $N - 1) {
    my %b = (title => "paging $i", status => (qw(pending pending in_progress in_progress completed))[$i % 5]);
    $b{dueDate} = $pool[($i * 7) % 40] if $i % 3;
    push @bodies, \%b;
}
# ten at a time, each on its own connection (POST /api/tasks is not rate
# limited; this is also a little load)
for (my $i = 0; $i < $N; $i += 10) {
    my @batch = grep { $_ < $N } $i .. $i + 9;
    my @res = raw_batch(map { [ POST => '/api/tasks', $bodies[$_] ] } @batch);
    for my $k (0 .. $#batch) {
        my ($r, $n) = ($res[$k], $batch[$k]);
        if ($r->{status} != 201) {
            push @fail, "task $n: $r->{status} $r->{raw}";
            next;
        }
        my @e = spec_errors(POST => '/api/tasks', $r);
        push @fail, "task $n: " . join('; ', @e) if @e;
        my $t = $r->{json}{task};
        push @fail, "task $n: answered as created? " . json_encode($t)
            unless $t->{title} eq $bodies[$n]{title} && $t->{status} eq $bodies[$n]{status}
                && ($t->{dueDate} // '') eq ($bodies[$n]{dueDate} // '');
        $task{ $t->{id} } = $t;
        $order[$n] = $t->{id};
    }
}
is_deeply \@fail, [], "$N tasks created (201, as the spec says)" or diag join "\n", @fail[0 .. ($#fail < 9 ? $#fail : 9)];
note sprintf 'created %d tasks in %.1f s', scalar @order, Time::HiRes::time() - $t0;
is scalar keys %task, $N, "$N distinct ids";
is scalar(grep { defined $_->{dueDate} } values %task), scalar(grep { $_ % 3 } 0 .. $N - 1),
    'the due dates as given';

# two groups updated later, a second apart: they lead sort=updated
my (@g1, @g2);
for my $g ([\@g1, [ @order[3, 50, 101, 170, 249] ]], [\@g2, [ @order[0, 7, 99, 200, 248] ]]) {
    Time::HiRes::sleep(1.1);
    my ($list, $ids) = @$g;
    for my $id (@$ids) {
        my $r = as($A, PATCH => "/api/tasks/$id", { title => "$task{$id}{title} (touched)" });
        is $r->{status}, 200, "touch $task{$id}{title}" or diag $r->{raw};
        $task{$id} = $r->{json}{task} if $r->{status} == 200;
        push @$list, $id;
    }
}

# ---- paging through a list
sub page_all {
    my ($query, $limit) = @_;
    my (@items, @sizes, @errors, $cursor, %last_seen);
    my $pages = 0;
    do {
        my $q = join '&', grep { length } $query, ($limit ? "limit=$limit" : ()),
            (defined $cursor ? 'cursor=' . uri_escape($cursor) : ());
        my $r = api(GET => "/api/tasks?$q", undef, { bearer => $A->{token} });
        push @errors, map {"page $pages: $_"} spec_errors(GET => '/api/tasks', $r);
        if ($r->{status} != 200) {
            push @errors, "page $pages: status $r->{status}: $r->{raw}";
            return (\@items, \@sizes, \@errors);
        }
        my $its = $r->{json}{items} || [];
        push @items, @$its;
        push @sizes, scalar @$its;
        $cursor = $r->{json}{nextCursor};
        if (++$pages > 2 * $N) {
            push @errors, 'more pages than tasks: the cursor does not move on';
            last;
        }
    } while (defined $cursor);
    return (\@items, \@sizes, \@errors);
}

sub check_list {
    my ($name, $query, $want) = @_;     # want: { id => 1 }
    my $sort = $query =~ /\bsort=due\b/ ? 'due' : 'updated';
    my $limit = 7;
    subtest "$name ($query), pages of $limit" => sub {
        my ($items, $sizes, $errors) = page_all($query, $limit);
        ok !@$errors, 'every page 200 and as the spec says' or diag join "\n", @$errors[0 .. ($#$errors < 9 ? $#$errors : 9)];
        my @ids = map { $_->{id} } @$items;
        my %seen;
        my @dups = grep { $seen{$_}++ } @ids;
        is_deeply \@dups, [], 'no task twice';
        my @missing = grep { !$seen{$_} } sort keys %$want;
        my @extra = grep { !$want->{$_} } sort keys %seen;
        is scalar(keys %seen), scalar(keys %$want), 'as many tasks as expected (' . scalar(keys %$want) . ')';
        is_deeply \@missing, [], 'none missing' or diag scalar(@missing) . ' missing';
        is_deeply \@extra, [], 'none that should not be there'
            or diag explain [ map { $task{$_} // $_ } @extra[0 .. ($#extra < 4 ? $#extra : 4)] ];
        my @differ = grep { $task{ $_->{id} } && !eq_deeply_json($_, listed_form($task{ $_->{id} })) } @$items;
        ok !@differ, 'every listed task is the task as last answered'
            or diag explain [ $differ[0], $task{ $differ[0]{id} } ];
        ok !(grep { $_ > $limit } @$sizes), "no page over $limit" or diag "@$sizes";
        my @inner = @$sizes[0 .. $#$sizes - 1];
        if ($query =~ /status=|due(From|To)=/) {
            ok !(grep { $_ == 0 } @inner), 'no empty page before the last' or diag "@$sizes";
            ok @$sizes <= int((keys(%$want) + $limit - 1) / $limit) + 1, 'no more pages than needed'
                or diag "@$sizes";
        } else {
            ok !(grep { $_ != $limit } @inner), "every page but the last holds $limit" or diag "@$sizes";
        }
        if ($sort eq 'updated') {
            my @bad = grep { $items->[$_ - 1]{updatedAt} lt $items->[$_]{updatedAt} } 1 .. $#$items;
            ok !@bad, 'updatedAt never increases (most recently updated first)'
                or diag "at $bad[0]: $items->[$bad[0] - 1]{updatedAt} then $items->[$bad[0]]{updatedAt}";
        } else {
            my @due = map { $_->{dueDate} } @$items;
            my $first_null = (grep { !defined $due[$_] } 0 .. $#due)[0] // scalar @due;
            ok !(grep { defined $due[$_] } $first_null .. $#due), 'tasks without a due date come last';
            my @bad = grep { $due[$_ - 1] gt $due[$_] } 1 .. $first_null - 1;
            ok !@bad, 'dueDate never decreases (soonest first)' or diag "at $bad[0]: $due[$bad[0] - 1] then $due[$bad[0]]";
        }
    };
}

my $JSONC = JSON::PP->new->canonical;
sub eq_deeply_json { $JSONC->encode($_[0]) eq $JSONC->encode($_[1]) }

sub want {
    my (%f) = @_;
    my %w;
    for my $t (values %task) {
        next if $f{status} && !grep { $_ eq $t->{status} } @{ $f{status} };
        if (defined $f{from} || defined $f{to}) {
            next unless defined $t->{dueDate};
            next if defined $f{from} && $t->{dueDate} lt $f{from};
            next if defined $f{to} && $t->{dueDate} gt $f{to};
        }
        $w{ $t->{id} } = 1;
    }
    return \%w;
}

my ($d1, $d2) = @pool[5, 20];      # boundaries that are due dates of some tasks
my $d1_offset;
{
    # d1 written with a +05:30 offset: the same instant
    my ($y, $mo, $d, $h, $mi, $s) = $d1 =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/;
    my $e = Time::Local::timegm($s, $mi, $h, $d, $mo - 1, $y) + 5 * 3600 + 1800;
    my @t = gmtime $e;
    $d1_offset = sprintf '%04d-%02d-%02dT%02d:%02d:%02d+05:30', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}
ok scalar(grep { ($_->{dueDate} // '') eq $d1 } values %task) && scalar(grep { ($_->{dueDate} // '') eq $d2 } values %task),
    "some tasks are due exactly at $d1 and at $d2 (the range boundaries)";
my $from = 'dueFrom=' . uri_escape($d1);
my $to   = 'dueTo=' . uri_escape($d2);

my @lists = (
    ['all tasks',                       '',                                 want()],
    ['pending and in_progress',         'status=pending,in_progress',       want(status => [qw(pending in_progress)])],
    ['completed',                       'status=completed',                 want(status => ['completed'])],
    ['in_progress',                     'status=in_progress',               want(status => ['in_progress'])],
    ["due in [$d1, $d2]",               "$from&$to",                        want(from => $d1, to => $d2)],
    ["due from $d1",                    $from,                              want(from => $d1)],
    ["due up to $d2",                   $to,                                want(to => $d2)],
    ['pending, due in the range',       "status=pending&$from&$to",         want(status => ['pending'], from => $d1, to => $d2)],
    ["due from $d1_offset (an offset)", 'dueFrom=' . uri_escape($d1_offset) . "&$to", want(from => $d1, to => $d2)],
    # a few among many: the filter drops most of what DynamoDB reads
    ["completed, due in [$pool[10], $pool[14]]", "status=completed&dueFrom=" . uri_escape($pool[10])
        . '&dueTo=' . uri_escape($pool[14]), want(status => ['completed'], from => $pool[10], to => $pool[14]), 1],
);
for my $l (@lists) {
    my ($name, $q, $w, $few) = @$l;
    ok $few ? scalar(keys %$w) >= 1 : scalar(keys %$w) > 7,
       "$name: " . ($few ? 'some' : 'more than one page of') . ' tasks expected (' . scalar(keys %$w) . ')';
    check_list($name, $q, $w);
    check_list($name, join('&', grep { length } $q, 'sort=due'), $w);
}
check_list('all tasks, sort=updated given', 'sort=updated', want());

# ---- the most recently updated first
{
    my $r = as($A, GET => '/api/tasks?limit=10');
    my @ids = map { $_->{id} } @{ $r->{json}{items} || [] };
    is_deeply [ sort @ids[0 .. 4] ], [ sort @g2 ], 'the last touched five lead the list';
    is_deeply [ sort @ids[5 .. 9] ], [ sort @g1 ], 'then the five touched before them';
}

# ---- sort=due: the soonest first
{
    my $r = as($A, GET => '/api/tasks?sort=due&limit=3');
    my @due = map { $_->{dueDate} } @{ $r->{json}{items} || [] };
    is_deeply \@due, [ ($pool[0]) x 3 ], "the first page of sort=due is due $pool[0], the earliest";
}

# ---- limits
{
    my $r = as($A, GET => '/api/tasks');
    is $r->{status}, 200, 'no limit: 200' or diag $r->{raw};
    is scalar(@{ $r->{json}{items} || [] }), 50, 'the default limit is 50';
    ok defined $r->{json}{nextCursor}, 'with a nextCursor';
    $r = as($A, GET => '/api/tasks?limit=100&sort=due');
    is scalar(@{ $r->{json}{items} || [] }), 100, 'limit=100: 100 tasks';
    $r = as($A, GET => '/api/tasks?limit=1');
    is scalar(@{ $r->{json}{items} || [] }), 1, 'limit=1: one task';
    ok defined $r->{json}{nextCursor}, 'with a nextCursor';

    # a page that reaches the end has no cursor
    my $w = want(status => ['pending'], from => $d1, to => $d2);
    my $k = keys %$w;
    $r = as($A, GET => "/api/tasks?status=pending&$from&$to&limit=$k");
    is scalar(@{ $r->{json}{items} || [] }), $k, "limit=$k on a list of $k: all of it";
    ok exists $r->{json}{nextCursor} && !defined $r->{json}{nextCursor}, '... and nextCursor null: the end'
        or diag "nextCursor: $r->{json}{nextCursor}";
    $r = as($A, GET => "/api/tasks?status=pending&$from&$to&limit=100&sort=due");
    is scalar(@{ $r->{json}{items} || [] }), $k, "limit=100 on a list of $k: all of it";
    ok exists $r->{json}{nextCursor} && !defined $r->{json}{nextCursor}, '... and nextCursor null';
    $r = as($A, GET => '/api/tasks?dueFrom=2040-01-01T00:00:00Z');
    is_deeply $r->{json}, { items => [], nextCursor => undef }, 'an empty list: items [] and nextCursor null';
}

# ---- cursors: reusable, and tampering is detected
{
    my $r = as($A, GET => '/api/tasks?sort=due&limit=7');
    my $c = $r->{json}{nextCursor};
    ok defined $c && length $c, 'a cursor' or BAIL_OUT('no cursor');
    my $p2 = as($A, GET => '/api/tasks?sort=due&limit=7&cursor=' . uri_escape($c));
    is $p2->{status}, 200, 'page 2' or diag $p2->{raw};
    my $again = as($A, GET => '/api/tasks?sort=due&limit=7&cursor=' . uri_escape($c));
    is_deeply [ map { $_->{id} } @{ $again->{json}{items} || [] } ], [ map { $_->{id} } @{ $p2->{json}{items} || [] } ],
        'the same cursor again: the same page';

    my $alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    my $flip = sub {       # a character of the cursor changed, top bit of its base64 value
        my ($pos) = @_;
        my $ch = substr $c, $pos, 1;
        my $v = index $alpha, $ch;
        my $new = $v >= 0 ? substr($alpha, $v ^ 32, 1) : ($ch eq 'A' ? 'B' : 'A');
        my $x = $c;
        substr($x, $pos, 1) = $new;
        return $x;
    };
    my %bad = (
        'first character changed'  => $flip->(0),
        'middle character changed' => $flip->(int(length($c) / 2)),
        'character 10 changed'     => $flip->(10 < length $c ? 10 : 0),
        'last character changed'   => $flip->(length($c) - 1),
        'truncated'                => substr($c, 0, length($c) - 4),
        'extended'                 => $c . 'AAAA',
        'doubled'                  => $c . $c,
        'reversed'                 => scalar reverse($c),
    );
    # forge it: any part that is base64url JSON, changed and put back
    my @parts = split /\./, $c, -1;
    for my $i (0 .. $#parts) {
        (my $b = $parts[$i]) =~ tr{-_}{+/};
        $b .= '=' x ((4 - length($b) % 4) % 4);
        my $dec = eval { json_decode(MIME::Base64::decode_base64($b)) } or next;
        my $enc = sub {
            my $s = MIME::Base64::encode_base64(json_encode($_[0]), '');
            $s =~ tr{+/}{-_};
            $s =~ s/=+$//;
            my @p = @parts;
            $p[$i] = $s;
            return join '.', @p;
        };
        if (ref $dec eq 'HASH') {
            for my $k (sort keys %$dec) {
                my %d = %$dec;
                $d{$k} = ref $d{$k} ? {} : ($d{$k} // '') . '0';
                $bad{"forged: $k changed"} = $enc->(\%d);
            }
        } else {
            $bad{'forged: a JSON array'} = $enc->([$dec]);
        }
    }
    note 'cursor: ' . substr($c, 0, 80) . (length $c > 80 ? '...' : '') . ' (' . scalar(keys %bad) . ' variants)';
    for my $why (sort keys %bad) {
        next if $bad{$why} eq $c;
        my $x = as($A, GET => '/api/tasks?sort=due&limit=7&cursor=' . uri_escape($bad{$why}));
        error_ok($x, 400, 'invalid_cursor', undef, "a cursor $why: 400 invalid_cursor");
    }
}

# a DynamoDB reply cut short (test fault, with taskmgr_test_faults on): the
# listing reads DynamoDB's text itself, and must answer 502, not 500 or junk
my $r = as($A, GET => '/api/tasks?limit=7', undef, { headers => { 'X-Taskmgr-Fault' => 'truncated-reply' } });
if ($r->{status} == 200) {
    note 'taskmgr_test_faults is off on this stack';
} else {
    error_ok($r, 502, 'bad_gateway', undef, 'a Query reply cut in half: 502 bad_gateway');
    is as($A, GET => '/api/tasks?limit=7')->{status}, 200, '... and the next listing is fine';
}

done_testing;
