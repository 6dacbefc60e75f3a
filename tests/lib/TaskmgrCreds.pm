package TaskmgrCreds;
# Test stand-ins for AWS temporary credentials, shared by
# tests/api/aws_credentials.t and tests/scheduler/credentials.t:
#
#   - an ECS-style container credentials endpoint: a small Perl HTTP server
#     forked by the test (bounded lifetime).  Every call hands out a new key
#     id <key_prefix>-0001, -0002, ... with a new secret and session token,
#     expiring TTL seconds ahead (set_ttl; 303 by default).  It answers 401
#     unless Authorization is the configured token, and records every call
#     (creds_calls; served: AccessKeyId -> the call that served it);
#   - recorders: one request a connection, recorded as received (headers,
#     body and its SHA-256, the status answered), then passed to an
#     upstream (a relay, e.g. to dynalite), answered by the test's code, or,
#     without either, answered as an SNS Publish would be;
#   - sigv4_problem: a recorded call's SigV4 signature checked with a secret.
#
# creds_setup(dir => ..., token => ...) first; what was started is stopped
# at exit.
use strict;
use warnings;
use Exporter 'import';
use Digest::SHA ();
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use MIME::Base64 ();
use POSIX ();
use Time::HiRes ();

our @EXPORT_OK = qw(
    rand_hex records append_record write_file read_request header key_of
    creds_setup set_ttl start_creds_server stop_creds_server creds_calls served
    start_recorder stop_recorder sigv4_problem
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $JSON = JSON::PP->new->utf8->canonical;

sub rand_hex { join '', map { sprintf '%02x', int rand 256 } 1 .. $_[0] }

# the JSON records of a file, one a line, parsed once each
my %jsonl;
sub records {
    my ($file) = @_;
    my $st = $jsonl{$file} //= { off => 0, recs => [] };
    open my $fh, '<:raw', $file or return @{ $st->{recs} };
    seek $fh, $st->{off}, 0;
    while (my $l = <$fh>) {
        last unless $l =~ /\n\z/;         # a line being written
        $st->{off} += length $l;
        chomp $l;
        push @{ $st->{recs} }, $JSON->decode($l) if length $l;
    }
    return @{ $st->{recs} };
}

sub append_record {
    my ($file, $rec) = @_;
    open my $fh, '>>:raw', $file or return;
    syswrite $fh, $JSON->encode($rec) . "\n";
    close $fh;
}

sub write_file {
    my ($file, $text) = @_;
    open my $fh, '>', "$file.tmp" or die "$file: $!";
    print $fh $text;
    close $fh;
    rename "$file.tmp", $file or die "rename $file: $!";
}

sub read_first_line { open my $fh, '<', $_[0] or return; my $l = <$fh>; chomp $l if defined $l; return $l }

# an HTTP request from a socket: (request line, [[name, value]], body)
sub read_request {
    my ($s) = @_;
    my $buf = '';
    my $sel = IO::Select->new($s);
    while ($buf !~ /\r\n\r\n/) {
        return unless $sel->can_read(5);
        sysread($s, $buf, 65536, length $buf) or return;
    }
    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    $body //= '';
    my ($line, @hl) = split /\r\n/, $head;
    my @h = map { my ($k, $v) = split /:[ \t]*/, $_, 2; [$k, $v // ''] } @hl;
    my $len = header(\@h, 'Content-Length') // 0;
    while (length $body < $len) {
        last unless $sel->can_read(5);
        sysread($s, $body, $len - length $body, length $body) or last;
    }
    return ($line, \@h, $body);
}

sub header { my ($h, $name) = @_; my ($v) = map { $_->[1] } grep { lc $_->[0] eq lc $name } @$h; return $v }

# the key id a recorded call was signed with (Credential=<key>/...)
sub key_of {
    my ($c) = @_;
    return (header($c->{headers}, 'Authorization') // '') =~ m{Credential=([^/,\s]+)/} ? $1 : undef;
}


# ---------------------------------------------------------------------------
# the credentials endpoint

my %cfg;
my $creds_pid;
my %recorders;      # port -> pid

# dir (for its files), token (the Authorization it wants), key_prefix
# (ASIA-TEST), role (the RoleArn's name), lifetime (s, of the endpoint's
# and recorders' processes).  Returns the endpoint's port.
sub creds_setup {
    my (%o) = @_;
    %cfg = (key_prefix => 'ASIA-TEST', role => 'taskmgr-test', lifetime => 60, recorder_lifetime => 90, %o);
    $cfg{$_} = "$cfg{dir}/creds-$_" for qw(calls ttl count);
    $cfg{calls} .= '.jsonl';
    my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
        or die "bind: $!";
    $cfg{port} = $l->sockport;
    close $l;
    return $cfg{port};
}

sub set_ttl { write_file($cfg{ttl}, "$_[0]\n") }

sub rfc3339 { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

sub serve_credentials {
    my ($c) = @_;
    my ($line, $h) = read_request($c) or return;
    my ($method, $path) = split ' ', $line;
    my $auth = header($h, 'Authorization');
    my %rec = (t => Time::HiRes::time(), method => $method, path => $path, auth => $auth);
    my ($status, $body);
    if (!defined $auth || $auth ne $cfg{token}) {
        ($status, $body) = (401, { Code => 'Unauthorized', Message => 'bad authorization token' });
    } else {
        my $ttl = read_first_line($cfg{ttl}) // 303;
        my $n = (read_first_line($cfg{count}) // 0) + 1;
        write_file($cfg{count}, "$n\n");
        my $now = time;
        $status = 200;
        $body = {
            Code            => 'Success',
            Type            => 'AWS-HMAC',
            AccessKeyId     => sprintf('%s-%04d', $cfg{key_prefix}, $n),
            SecretAccessKey => "secret-$n-" . rand_hex(16),
            Token           => MIME::Base64::encode_base64(join('', map { chr int rand 256 } 1 .. 600), ''),
            LastUpdated     => rfc3339($now),
            Expiration      => rfc3339($now + $ttl),
            RoleArn         => "arn:aws:iam::000000000000:role/$cfg{role}",
        };
        @rec{qw(key secret token expiration expires)} =
            (@$body{qw(AccessKeyId SecretAccessKey Token Expiration)}, $now + $ttl);
    }
    $rec{status} = $status;
    # recorded before answering: once the caller has its answer, the call is here
    append_record($cfg{calls}, \%rec);
    my $json = $JSON->encode($body);
    print $c "HTTP/1.1 $status " . ($status == 200 ? 'OK' : 'Unauthorized')
        . "\r\nContent-Type: application/json\r\nContent-Length: " . length($json)
        . "\r\nConnection: close\r\n\r\n$json";
}

sub start_creds_server {
    my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $cfg{port}, Listen => 16, ReuseAddr => 1)
        or die "credentials endpoint: bind 127.0.0.1:$cfg{port}: $!";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        $SIG{PIPE} = 'IGNORE';
        $SIG{TERM} = sub { POSIX::_exit(0) };
        alarm $cfg{lifetime};   # never outlives a test run gone wrong
        while (1) {
            my $c = $l->accept or next;
            eval { serve_credentials($c) };
            close $c;
        }
    }
    close $l;
    $creds_pid = $pid;
}

sub stop_creds_server {
    return unless $creds_pid;
    kill 'TERM', $creds_pid;
    waitpid $creds_pid, 0;
    undef $creds_pid;
}

sub creds_calls { records($cfg{calls}) }

# AccessKeyId -> the call that served it
sub served { my %s = map { $_->{key} => $_ } grep { $_->{key} } creds_calls(); return \%s }


# ---------------------------------------------------------------------------
# the recorders: a relay (to UPSTREAM), a stand-in whose answer a code
# ref gives (UPSTREAM a sub: the record in, (status, content type, body)
# out), or an SNS stand-in (no upstream); one request a connection (the
# upstream is asked to close, and says so)

sub record_one {
    my ($c, $file, $upstream) = @_;
    my ($line, $h, $body) = read_request($c) or return;
    my ($method, $path) = split ' ', $line;
    my %rec = (t => Time::HiRes::time(), method => $method, path => $path, headers => $h,
               body => $body, body_sha256 => Digest::SHA::sha256_hex($body));
    my $reply = '';
    if (ref $upstream eq 'CODE') {
        my ($st, $type, $text) = $upstream->(\%rec);
        $reply = "HTTP/1.1 $st X\r\nContent-Type: $type\r\nContent-Length: " . length($text)
            . "\r\nConnection: close\r\n\r\n$text";
    } elsif ($upstream) {
        my $up = IO::Socket::INET->new(PeerAddr => $upstream, Proto => 'tcp', Timeout => 3);
        if ($up) {
            print $up join("\r\n", $line, (map { "$_->[0]: $_->[1]" } grep { lc $_->[0] ne 'connection' } @$h),
                           'Connection: close', '', '') . $body;
            my $sel = IO::Select->new($up);
            while ($sel->can_read(10)) {
                sysread($up, $reply, 65536, length $reply) or last;
            }
            close $up;
        }
        $reply = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" unless length $reply;
    } else {
        my $xml = '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>';
        $reply = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " . length($xml)
            . "\r\nConnection: close\r\n\r\n$xml";
    }
    $rec{status} = $reply =~ m{^HTTP/\d\.\d (\d{3})} ? $1 + 0 : 0;
    $rec{type} = $1 if $rec{status} != 200 && $reply =~ /"__type":"[^"#]*#?([^"]+)"/;
    append_record($file, \%rec);
    print $c $reply;
}

# records to FILE each call made to the port it returns
sub start_recorder {
    my ($file, $upstream) = @_;
    my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 64, ReuseAddr => 1)
        or die "recorder: bind: $!";
    my $port = $l->sockport;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        $SIG{PIPE} = 'IGNORE';
        $SIG{CHLD} = 'IGNORE';
        $SIG{TERM} = sub { POSIX::_exit(0) };
        alarm($cfg{recorder_lifetime} // 90);
        while (1) {
            my $c = $l->accept or next;
            my $k = fork;
            if (defined $k && $k == 0) {
                alarm 20;
                eval { record_one($c, $file, $upstream) };
                POSIX::_exit(0);
            }
            close $c;
        }
    }
    close $l;
    $recorders{$port} = $pid;
    return $port;
}

sub stop_recorder {
    my ($port) = @_;
    my $pid = delete $recorders{$port} or return;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

END {
    my $rc = $?;
    stop_creds_server();
    stop_recorder($_) for keys %recorders;
    $? = $rc;
}


# ---------------------------------------------------------------------------
# SigV4 (AWS4-HMAC-SHA256) of a recorded call with this secret, for SERVICE
# in us-east-1: undef if it verifies, else why not.  HOST: verify as if
# that Host had been received.
sub sigv4_problem {
    my ($c, $secret, $service, $host) = @_;
    my %h;
    for (@{ $c->{headers} }) {
        my ($k, $v) = (lc $_->[0], $_->[1] // '');
        $v =~ s/^\s+|\s+$//g;
        $v =~ s/\s+/ /g;
        $h{$k} = exists $h{$k} ? "$h{$k},$v" : $v;
    }
    $h{host} = $host if defined $host;
    my ($alg, $rest) = split ' ', $h{authorization} // '', 2;
    return 'not AWS4-HMAC-SHA256' unless ($alg // '') eq 'AWS4-HMAC-SHA256';
    my %p = map { /^\s*(\w+)=(.*?)\s*$/ ? ($1, $2) : () } split /,/, $rest // '';
    my ($key, $date, $region, $svc, $term) = split m{/}, $p{Credential} // '';
    my @signed = split /;/, $p{SignedHeaders} // '';
    my @missing = grep { my $s = $_; !grep { $_ eq $s } @signed } qw(host x-amz-date x-amz-security-token);
    return "SignedHeaders lacks @missing" if @missing;
    return "scope $p{Credential}" unless ($region // '') eq 'us-east-1' && ($svc // '') eq $service
                                         && ($term // '') eq 'aws4_request';
    return "X-Amz-Date $h{'x-amz-date'} is not of the scope date $date"
        unless ($h{'x-amz-date'} // '') =~ /^\Q$date\ET\d{6}Z$/;
    my ($path, $query) = split /\?/, $c->{path}, 2;
    my $canon = join "\n", $c->{method}, $path, $query // '', join('', map { "$_:" . ($h{$_} // '') . "\n" } @signed),
                      $p{SignedHeaders}, $c->{body_sha256};
    my $sts = join "\n", 'AWS4-HMAC-SHA256', $h{'x-amz-date'}, "$date/$region/$svc/aws4_request",
                    Digest::SHA::sha256_hex($canon);
    my $k = Digest::SHA::hmac_sha256($date, "AWS4$secret");
    $k = Digest::SHA::hmac_sha256($_, $k) for $region, $svc, 'aws4_request';
    return Digest::SHA::hmac_sha256_hex($sts, $k) eq ($p{Signature} // '') ? undef : 'signature mismatch';
}

1;
