package TaskmgrEvents;

# A client of GET /api/events for the tests (issue 14): the EventSource
# form (text/event-stream) and the WebSocket form (text frames), on plain
# sockets, reading with deadlines.  Core Perl only.
#
#   my $s = sse_open(token => $t);          # {status, headers, body, ...}
#   my @e = sse_wait($s, 1, sub { $_[0]{event} eq 'task' });
#   # each event: {event, id, data (decoded JSON), raw, t (arrival time)}
#   my $w = ws_open(token => $t);  my @f = ws_wait($w, 1, sub { ... });
#   sse_close($s);

use strict;
use warnings;

use Exporter 'import';
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use Socket ();
use Time::HiRes ();

our @EXPORT_OK = qw(sse_open sse_wait sse_close ws_open ws_wait);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $JSON = JSON::PP->new->utf8->canonical;


sub _connect {
    my ($base) = @_;
    $base //= $ENV{TASKMGR_URL} or die "TASKMGR_URL is not set\n";
    my ($host, $port) = $base =~ m{^http://([^/:]+):(\d+)} or die "bad url $base\n";
    my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 5)
        or die "connect $base: $!\n";
    setsockopt($sock, Socket::IPPROTO_TCP(), Socket::TCP_NODELAY(), 1);
    $sock->blocking(0);
    return ($sock, "$host:$port");
}


# reads what is there within $secs into $c->{buf}; 0 on EOF
sub _fill {
    my ($c, $secs) = @_;
    my $sel = IO::Select->new($c->{sock});
    return 1 unless $sel->can_read($secs);
    my $n = sysread $c->{sock}, my $chunk, 65536;
    if (!$n) {
        $c->{eof} = 1;
        return 0;
    }
    $c->{buf} .= $chunk;
    return 1;
}


# the status line and headers (and, for an error, the body) within $secs
sub _head {
    my ($c, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    until ($c->{buf} =~ /\r\n\r\n/) {
        my $left = $deadline - Time::HiRes::time();
        die "no response head within ${secs}s\n" if $left <= 0;
        _fill($c, $left) or last;
    }
    my ($head, $rest) = split /\r\n\r\n/, $c->{buf}, 2;
    $c->{buf} = $rest // '';
    my ($status_line, @lines) = split /\r\n/, $head // '';
    ($c->{status}) = ($status_line // '') =~ m{^HTTP/1\.1 (\d+)};
    $c->{status} //= 0;
    for (@lines) {
        my ($k, $v) = split /:\s*/, $_, 2;
        $c->{headers}{lc $k} = $v;
    }
    if ($c->{status} != 200 && $c->{status} != 101) {
        my $len = $c->{headers}{'content-length'} // 0;
        while (length $c->{buf} < $len && Time::HiRes::time() < $deadline) {
            _fill($c, $deadline - Time::HiRes::time()) or last;
        }
        $c->{body} = $c->{buf};
        $c->{json} = eval { $JSON->decode($c->{body}) };
    }
    return $c;
}


sub _request {
    my (%o) = @_;
    my ($sock, $hostport) = _connect($o{url});
    my @h = ("GET /api/events HTTP/1.1", "Host: $hostport");
    push @h, "Authorization: Bearer $o{token}" if defined $o{token};
    push @h, "Cookie: $o{cookie}" if defined $o{cookie};
    push @h, "Last-Event-ID: $o{last_event_id}" if defined $o{last_event_id};
    push @h, @{ $o{headers} || [] };
    syswrite $sock, join("\r\n", @h, '', '');
    return { sock => $sock, buf => '', events => [], headers => {} };
}


# opts: url (TASKMGR_URL), token, cookie, last_event_id; dies without a
# response head within 5 s
sub sse_open {
    my (%o) = @_;
    my $c = _request(%o, headers => ['Accept: text/event-stream']);
    return _head($c, $o{wait} // 5);
}


sub sse_close {
    my ($c) = @_;
    close $c->{sock} if $c && $c->{sock};
}


# parses the complete events in the buffer (chunked framing removed first)
sub _sse_parse {
    my ($c) = @_;
    if (($c->{headers}{'transfer-encoding'} // '') =~ /chunked/i) {
        $c->{raw} .= $c->{buf};
        $c->{buf} = '';
        while ($c->{raw} =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $len = hex $1;
            if (length $c->{raw} < $len + 2) {
                $c->{raw} = sprintf('%x', $len) . "\r\n" . $c->{raw};
                last;
            }
            $c->{text} .= substr $c->{raw}, 0, $len;
            substr($c->{raw}, 0, $len + 2) = '';
        }
    } else {
        $c->{text} .= $c->{buf};
        $c->{buf} = '';
    }
    $c->{text} //= '';
    while ($c->{text} =~ s/^(.*?)\n\n//s) {
        my $block = $1;
        my %e = (raw => $block, t => Time::HiRes::time());
        for (split /\n/, $block) {
            next if /^:/;
            my ($k, $v) = /^([^:]+):\s?(.*)$/ or next;
            $e{$k} = exists $e{$k} && $k eq 'data' ? "$e{$k}\n$v" : $v;
        }
        next unless defined $e{data};
        $e{event} //= 'message';
        $e{json} = eval { $JSON->decode($e{data}) };
        push @{ $c->{events} }, \%e;
    }
}


# waits up to $secs for an event that $want accepts (every event read is
# kept in $c->{events}); returns the events $want accepted, in order
sub sse_wait {
    my ($c, $secs, $want, $count) = @_;
    $count //= 1;
    my $deadline = Time::HiRes::time() + $secs;
    for (;;) {
        _sse_parse($c);
        my @got = grep { $want->($_) } @{ $c->{events} };
        return @got if @got >= $count;
        my $left = $deadline - Time::HiRes::time();
        return @got if $left <= 0 || $c->{eof};
        _fill($c, $left);
    }
}


sub ws_open {
    my (%o) = @_;
    my $c = _request(%o, headers => [
        'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ]);
    return _head($c, $o{wait} // 5);
}


# server frames are not masked; text frames become events with their JSON
sub _ws_parse {
    my ($c) = @_;
    for (;;) {
        last if length $c->{buf} < 2;
        my ($b0, $b1) = unpack 'CC', $c->{buf};
        my $len = $b1 & 0x7f;
        my $off = 2;
        if ($len == 126) {
            last if length $c->{buf} < 4;
            $len = unpack 'n', substr($c->{buf}, 2, 2);
            $off = 4;
        } elsif ($len == 127) {
            last if length $c->{buf} < 10;
            $len = unpack 'Q>', substr($c->{buf}, 2, 8);
            $off = 10;
        }
        last if length $c->{buf} < $off + $len;
        my $payload = substr $c->{buf}, $off, $len;
        substr($c->{buf}, 0, $off + $len) = '';
        next unless ($b0 & 0x0f) == 1;
        my $json = eval { $JSON->decode($payload) };
        push @{ $c->{events} }, { data => $payload, json => $json, t => Time::HiRes::time(),
                                  event => ref $json eq 'HASH' ? $json->{event} // '' : '' };
    }
}


sub ws_wait {
    my ($c, $secs, $want, $count) = @_;
    $count //= 1;
    my $deadline = Time::HiRes::time() + $secs;
    for (;;) {
        _ws_parse($c);
        my @got = grep { $want->($_) } @{ $c->{events} };
        return @got if @got >= $count;
        my $left = $deadline - Time::HiRes::time();
        return @got if $left <= 0 || $c->{eof};
        _fill($c, $left);
    }
}

1;
