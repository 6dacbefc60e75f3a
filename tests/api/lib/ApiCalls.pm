package ApiCalls;

# Shared helpers of the task and notification test files
# (tests/api/tasks_*.t, tests/api/notifications_*.t): requests as a user,
# each checked against the OpenAPI spec, and the items they leave in
# DynamoDB.
#
#   use FindBin; use lib "$FindBin::Bin/lib";
#   use ApiCalls qw(:all);

use strict;
use warnings;

use Exporter 'import';
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use Test::More ();

use TaskmgrStack qw(:all);
use TaskmgrSpec qw(spec_ok);
use ApiTest qw(register_user);

our @EXPORT_OK = qw(
    tmpl call as new_user uri_escape parse_response raw_requests write_all read_responses
    task_item notif_item items_of completed_notifs user_entity table
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $TABLE;
sub table { $TABLE //= stack_env('TASKMGR_TABLE') }

# the spec's path template of a request path
sub tmpl {
    my ($p) = @_;
    $p =~ s/\?.*//s;
    $p =~ s{^https?://[^/]+}{};
    return '/api/calendar/{token}.ics' if $p =~ m{^/api/calendar/[^/]*\.ics$};
    return $p if $p eq '/api/notifications' || $p eq '/api/notifications/read-all';
    return $p =~ m{^/api/notifications/[^/]+/snooze$} ? '/api/notifications/{id}/snooze'
         : $p =~ m{^/api/notifications/} ? '/api/notifications/{id}'
         : $p eq '/api/tasks/parse' || $p eq '/api/tasks/batch' ? $p
         : $p =~ m{^/api/tasks/[^/]+/restore$} ? '/api/tasks/{id}/restore'
         : $p =~ m{^/api/tasks/}         ? '/api/tasks/{id}'
         : $p =~ m{^/api/lists/}         ? '/api/lists/{id}'
         : $p;
}

# a request, checked against the spec (one test); opts as api()
sub call {
    my ($method, $path, $body, $opts) = @_;
    my $r = api($method, $path, $body, $opts);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    spec_ok($method => tmpl($path), $r);
    return $r;
}

# as user U, by bearer token
sub as {
    my ($u, $method, $path, $body, $opts) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return call($method, $path, $body, { bearer => $u->{token}, %{ $opts || {} } });
}

# a newly registered user: {token, uid, client}
sub new_user {
    my ($tag) = @_;
    my $reg = register_user(tag => $tag);
    die "cannot register a user ($tag): $reg->{r}{status} $reg->{r}{raw}\n"
        unless $reg->{r}{status} == 201 && $reg->{access} && $reg->{user}{id};
    return { token => $reg->{access}, uid => $reg->{user}{id}, client => $reg->{client} };
}

sub uri_escape {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

# a raw HTTP/1.1 response, shaped like api()'s answers
sub parse_response {
    my ($raw) = @_;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    $body //= '';
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/1\.[01] (\d{3})};
    my %h;
    for (@lines) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        if (exists $h{$k}) { $h{$k} = [ ref $h{$k} ? @{ $h{$k} } : $h{$k}, $v ] } else { $h{$k} = $v }
    }
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $len = hex $1;
            last if $len == 0;
            $out .= substr($body, 0, $len, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    my %r = (status => $status // 599, headers => \%h, raw => $body, json => undef);
    if (length $body && ($h{'content-type'} // '') =~ m{^application/json}i) {
        $r{json} = eval { json_decode($body) };
        $r{json_error} = $@ if $@;
    }
    return \%r;
}

# requests on connections of their own, to the stack's nginx: REQS are
# [method, path, body-hashref, {header => value}], sent with the bearer
# TOKEN.  Returns the connected sockets and the messages, not yet sent.
sub raw_requests {
    my ($token, @reqs) = @_;
    my ($host, $port) = base_url() =~ m{^https?://([^:/]+):(\d+)} or die 'base url';
    my (@socks, @msgs);
    for my $q (@reqs) {
        my ($method, $path, $body, $hdrs) = @$q;
        my $content = defined $body ? json_encode($body) : '';
        my %h = (Host => "$host:$port", Connection => 'close', Accept => 'application/json',
                 Authorization => "Bearer $token", 'Content-Length' => length $content,
                 ($content ne '' ? ('Content-Type' => 'application/json') : ()), %{ $hdrs || {} });
        push @msgs, "$method $path HTTP/1.1\r\n" . join('', map {"$_: $h{$_}\r\n"} sort keys %h)
            . "\r\n" . $content;
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 5)
            or die "connect: $!\n";
        $s->autoflush(1);
        push @socks, $s;
    }
    return (\@socks, \@msgs);
}

sub write_all {
    my ($s, $data) = @_;
    while (length $data) {
        my $n = syswrite $s, $data;
        die "write: $!\n" unless defined $n;
        substr($data, 0, $n) = '';
    }
}

# the answers on SOCKS, read together until each closes (at most SECS);
# shaped like api()'s
sub read_responses {
    my ($socks, $secs) = @_;
    my @buf = ('') x @$socks;
    my %open = map { $_ => 1 } 0 .. $#$socks;
    my $sel = IO::Select->new(@$socks);
    my $deadline = time + $secs;
    while (%open && time < $deadline) {
        for my $s ($sel->can_read(1)) {
            my ($i) = grep { $socks->[$_] == $s } keys %open;
            next unless defined $i;
            my $n = sysread $s, my $chunk, 65536;
            if ($n) {
                $buf[$i] .= $chunk;
            } else {
                $sel->remove($s);
                close $s;
                delete $open{$i};
            }
        }
    }
    return map { parse_response($_) } @buf;
}

# one item of the user, straight from DynamoDB (undef if none)
sub user_entity {
    my ($uid, $sort) = @_;
    my $r = dynamodb(GetItem => {
        TableName      => table(),
        Key            => { EntityPartition => { S => "USER_$uid" }, EntitySort => { S => $sort } },
        ConsistentRead => JSON::PP::true(),
    });
    die "GetItem failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $r->{json}{Item};
}

sub task_item  { user_entity($_[0], "TASK_$_[1]") }
sub notif_item { user_entity($_[0], "NOTIF_$_[1]") }

# every item of the user whose sort key begins with PREFIX (TASK_, NOTIF_),
# straight from DynamoDB
sub items_of {
    my ($uid, $prefix) = @_;
    my (@items, $start);
    do {
        my $r = dynamodb(Query => {
            TableName                 => table(),
            KeyConditionExpression    => 'EntityPartition = :p AND begins_with(EntitySort, :s)',
            ExpressionAttributeValues => { ':p' => { S => "USER_$uid" }, ':s' => { S => $prefix } },
            ConsistentRead            => JSON::PP::true(),
            ($start ? (ExclusiveStartKey => $start) : ()),
        });
        die "Query failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
        push @items, @{ $r->{json}{Items} || [] };
        $start = $r->{json}{LastEvaluatedKey};
    } while ($start);
    return @items;
}

# the task_completed notifications of a task
sub completed_notifs {
    my ($uid, $tid) = @_;
    return grep { ($_->{TaskId}{S} // '') eq $tid && ($_->{Type}{S} // '') eq 'task_completed' }
        items_of($uid, 'NOTIF_');
}

1;
