#!/usr/bin/perl
# Routing answers, all JSON: unknown routes (404), wrong methods (405 with
# Allow), bodies too large (413, from the module and from nginx's own
# client_max_body_size), bodies that are not JSON (415).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Select ();
use IO::Socket::INET ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $reg = register_user(tag => 'routes');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $tok = $reg->{access} // 'x';

# ---- 404
for my $case (['GET', '/api/nope'], ['GET', '/api/users'], ['GET', '/api/users/'],
              ['GET', '/api/users/nope'], ['POST', '/api/users/me/extra'], ['GET', '/api/users/me/'],
              ['DELETE', '/api/nope/deeper'], ['GET', '/api/health/x'], ['GET', '/api/Users/me']) {
    my ($m, $path) = @$case;
    my $r = api($m, $path, undef, { bearer => $tok });
    error_ok($r, 404, 'not_found', undef, "$m $path: 404 not_found");
}

# ---- 405 with Allow
my %allow = (
    '/api/users/register' => [qw(POST)],
    '/api/users/confirm'  => [qw(POST)],
    '/api/users/login'    => [qw(POST)],
    '/api/users/refresh'  => [qw(POST)],
    '/api/users/logout'   => [qw(POST)],
    '/api/users/me'       => [qw(GET PATCH DELETE)],
    '/api/health'         => [qw(GET)],
);
for my $case (['GET', '/api/users/login'], ['PUT', '/api/users/me'],
              ['POST', '/api/users/me'], ['GET', '/api/users/register'], ['GET', '/api/users/logout'],
              ['PATCH', '/api/users/refresh'], ['GET', '/api/users/confirm'], ['POST', '/api/health'],
              ['DELETE', '/api/health']) {
    my ($m, $path) = @$case;
    my $r = api($m, $path, ($m =~ /^(?:POST|PUT|PATCH)$/ ? {} : undef), { bearer => $tok });
    error_ok($r, 405, 'method_not_allowed', undef, "$m $path: 405 method_not_allowed");
    my @got = sort map { uc } split /\s*,\s*/, $r->{headers}{allow} // '';
    my @want = sort @{ $allow{$path} };
    my %got = map { $_ => 1 } @got;
    ok !$got{$m} && !grep({ !$got{$_} } @want) && !grep({ my $g = $_; !grep({ $_ eq $g } @want, 'HEAD', 'OPTIONS') } @got),
        "Allow lists @want" or diag 'Allow: ' . ($r->{headers}{allow} // 'missing');
}
# ---- HEAD: a GET route's headers, no body; refused where GET is
for my $path ('/api/users/me', '/api/tasks?limit=5', '/api/notifications', '/api/lists', '/api/health') {
    my $g = api(GET => $path, undef, { bearer => $tok });
    my $h = api(HEAD => $path, undef, { bearer => $tok });
    is $h->{status}, $g->{status}, "HEAD $path: $g->{status} as GET";
    is $h->{raw}, '', '... no body';
    is $h->{headers}{'content-type'}, $g->{headers}{'content-type'}, '... the same Content-Type';
}
{
    my $h = api(HEAD => '/api/users/login', undef, { bearer => $tok });
    is $h->{status}, 405, 'HEAD on a POST-only route: 405';
    is api(HEAD => '/api/users/me')->{status}, 401, 'HEAD without a token: 401';
}
{
    # the 405 must not depend on being logged in, nor leak anything
    my $r = api(PUT => '/api/users/me');
    error_ok($r, 405, 'method_not_allowed', undef, 'PUT /api/users/me without a session: still 405');
}

# ---- 413: the module's limit (64 KiB), also nginx's (client_max_body_size 64k)
{
    my $pad = 'x' x (64 * 1024);
    my $body = json_encode({ firstName => $pad });       # just over 64 KiB
    my $r = api(PATCH => '/api/users/me', $body, { bearer => $tok, content_type => 'application/json' });
    error_ok($r, 413, 'payload_too_large', undef, 'PATCH /me with a 64 KiB + 13 bytes body: 413 payload_too_large',
             PATCH => '/api/users/me');

    my $under = json_encode({ firstName => 'x' x (60 * 1024) });
    $r = api(PATCH => '/api/users/me', $under, { bearer => $tok, content_type => 'application/json' });
    error_ok($r, 400, undef, 'firstName', 'a 60 KiB body is read (and its 60 KiB name refused: 400)',
             PATCH => '/api/users/me');

    $r = auth_api(undef, POST => '/api/users/register',
                  json_encode({ %{ new_user_body(tag => 'big') }, firstName => $pad }),
                  { content_type => 'application/json' });
    error_ok($r, 413, 'payload_too_large', undef, 'register with a body over 64 KiB: 413', POST => '/api/users/register');

    my $huge = json_encode({ firstName => 'x' x (2 * 1024 * 1024) });
    $r = api(PATCH => '/api/users/me', $huge, { bearer => $tok, content_type => 'application/json' });
    error_ok($r, 413, 'payload_too_large', undef, 'a 2 MB body (nginx client_max_body_size): JSON 413',
             PATCH => '/api/users/me');
    $r = api(POST => '/api/users/login', $huge, { content_type => 'application/json' });
    error_ok($r, 413, 'payload_too_large', undef, 'a 2 MB login body: JSON 413', POST => '/api/users/login');

    my $me = api(GET => '/api/users/me', undef, { bearer => $tok });
    spec_ok(GET => '/api/users/me', $me);
    is $me->{status}, 200, 'the server is fine after the large bodies';
    is $me->{json}{user}{firstName}, $reg->{user}{firstName}, 'and nothing was changed by them';
}

# ---- chunked request bodies (no Content-Length) follow the same rules
sub chunked {
    my ($method, $path, $body, $headers) = @_;
    my ($host, $port) = base_url() =~ m{^https?://([^:/]+):(\d+)};
    my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Timeout => 15)
        or return { status => 599, headers => {}, raw => "connect: $!" };
    my $req = "$method $path HTTP/1.1\r\nHost: $host:$port\r\nConnection: close\r\n"
        . "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        . join('', map {"$_: $headers->{$_}\r\n"} sort keys %{ $headers || {} }) . "\r\n";
    for (my $i = 0; $i < length $body; $i += 4096) {
        my $part = substr $body, $i, 4096;
        $req .= sprintf("%x\r\n", length $part) . "$part\r\n";
    }
    $req .= "0\r\n\r\n";
    local $SIG{PIPE} = 'IGNORE';
    print {$s} $req;
    local $/;
    my $resp = <$s> // '';
    close $s;
    my ($head, $content) = split /\r\n\r\n/, $resp, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $h{lc $k} = exists $h{lc $k} ? [ref $h{lc $k} ? @{ $h{lc $k} } : $h{lc $k}, $v] : $v;
    }
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $plain = '';
        while ($content =~ s/^([0-9a-f]+)\r\n//i) {
            my $n = hex $1;
            last unless $n;
            $plain .= substr $content, 0, $n, '';
            $content =~ s/^\r\n//;
        }
        $content = $plain;
    }
    my $r = { status => $status // 599, headers => \%h, raw => $content // '' };
    $r->{json} = eval { json_decode($r->{raw}) } if ($h{'content-type'} // '') =~ m{^application/json}i;
    return $r;
}
{
    my $r = chunked(PATCH => '/api/users/me', json_encode({ lastName => 'Chunked' }),
                    { Authorization => "Bearer $tok" });
    spec_ok(PATCH => '/api/users/me', $r);
    is $r->{status}, 200, 'a chunked PATCH body is read' or diag $r->{raw};
    is +($r->{json} || {})->{user}{lastName}, 'Chunked', 'and applied';
    $r = chunked(PATCH => '/api/users/me', json_encode({ firstName => 'y' x (70 * 1024) }),
                 { Authorization => "Bearer $tok" });
    error_ok($r, 413, 'payload_too_large', undef, 'a chunked body over 64 KiB: 413', PATCH => '/api/users/me');
    $r = chunked(PATCH => '/api/users/me', json_encode({ firstName => 'y' x (2 * 1024 * 1024) }),
                 { Authorization => "Bearer $tok" });
    error_ok($r, 413, 'payload_too_large', undef, 'a chunked body over 1 MB: JSON 413', PATCH => '/api/users/me');
    # the limit holds while reading, before any authentication: a chunked
    # body past 64 KiB that never ends is answered at once, not read on
    {
        my ($host, $port) = base_url() =~ m{^https?://([^:/]+):(\d+)};
        my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Timeout => 5);
        local $SIG{PIPE} = 'IGNORE';
        print {$sock} "PATCH /api/users/me HTTP/1.1\r\nHost: $host:$port\r\n"
            . "Content-Type: application/json\r\nX-Requested-With: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        print {$sock} sprintf("%x\r\n", 4096) . ('y' x 4096) . "\r\n" for 1 .. 20;   # 80 KiB, no end
        my $got = '';
        my $sel = IO::Select->new($sock);
        my $deadline = time + 5;
        while (time < $deadline && $got !~ /\r\n\r\n/ && $sel->can_read(1)) {
            sysread($sock, my $buf, 4096) or last;
            $got .= $buf;
        }
        like $got, qr{^HTTP/1\.1 413}, 'an endless chunked body without a token: 413 once past 64 KiB';
        close $sock;
    }
    $r = chunked(POST => '/api/users/login', '{"email":"nobody@example.com","password":"Str0ng!Passw0rd#"}',
                 { 'X-Requested-With' => 'XMLHttpRequest' });
    error_ok($r, 401, 'invalid_credentials', undef, 'a chunked login body is read', POST => '/api/users/login');
}

# ---- 415: bodies that are not declared JSON
for my $ct ('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx',
            'text/json', 'application/json; charset=latin1', 'application/json;charset=utf-16',
            'application/json; charset="iso-8859-1"', 'application/json; charset=', 'application/json x') {
    my $r = api(PATCH => '/api/users/me', '{"firstName":"Plain"}', { bearer => $tok, content_type => $ct });
    error_ok($r, 415, 'unsupported_media_type', undef, "PATCH /me as $ct: 415", PATCH => '/api/users/me');
}
{
    my $r = api(PATCH => '/api/users/me', '{"firstName":"Plain"}', { bearer => $tok });
    error_ok($r, 415, 'unsupported_media_type', undef, 'PATCH /me with no Content-Type: 415', PATCH => '/api/users/me');
    $r = auth_api(undef, POST => '/api/users/login', 'email=a@b.c&password=x',
                  { content_type => 'application/x-www-form-urlencoded' });
    error_ok($r, 415, 'unsupported_media_type', undef, 'login as a form post: 415', POST => '/api/users/login');
    $r = auth_api(undef, POST => '/api/users/register', json_encode(new_user_body(tag => 'plain')),
                  { content_type => 'text/plain' });
    error_ok($r, 415, 'unsupported_media_type', undef, 'register as text/plain: 415', POST => '/api/users/register');

    # gzip (or any coding): nginx would hand the module the coded bytes
    for my $ce ('gzip', 'deflate', 'br') {
        $r = api(PATCH => '/api/users/me', '{"firstName":"Coded"}',
                 { bearer => $tok, content_type => 'application/json', headers => { 'Content-Encoding' => $ce } });
        error_ok($r, 415, 'unsupported_media_type', undef, "PATCH /me with Content-Encoding $ce: 415",
                 PATCH => '/api/users/me');
    }
    $r = api(PATCH => '/api/users/me', '{"firstName":"Identity"}',
             { bearer => $tok, content_type => 'application/json', headers => { 'Content-Encoding' => 'identity' } });
    is $r->{status}, 200, 'Content-Encoding identity is no coding' or diag $r->{raw};

    for my $ct ('application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8',
                'application/json; charset="utf-8"', 'application/json; v=1') {
        $r = api(PATCH => '/api/users/me', '{"firstName":"Charset"}', { bearer => $tok, content_type => $ct });
        spec_ok(PATCH => '/api/users/me', $r);
        is $r->{status}, 200, "Content-Type '$ct' is JSON" or diag $r->{raw};
    }
}

done_testing;
