#!/usr/bin/perl
# Bad input on every route (issue 16, "kept" suites): several hundred
# malformed requests, each sent as raw bytes on a connection of its own:
# malformed JSON, wrong types, huge and invalid UTF-8 strings, NUL bytes,
# path tricks in ids, bad cursors and tokens, wrong methods, bad query
# parameters, oversized and chunked bodies, wrong content types.
#
# Each must be answered within 10 s, never with a 5xx, and every 4xx is a
# JSON error {"error": {"code", "message"}}.  Nothing is written by them:
# the user's items are the same before and after.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use ApiTest qw(:all);
use ApiCalls qw(parse_response items_of);

my $reg = register_user(tag => 'badinput');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $token = $reg->{access} // 'x';
my $uid = $reg->{user}{id} // 'x';

my $task = api(POST => '/api/tasks', { title => 'target' }, { bearer => $token })->{json}{task}{id} // 'x';
my $list = api(POST => '/api/lists', { name => 'Target' }, { bearer => $token })->{json}{list}{id} // 'x';
api(PATCH => "/api/tasks/$task", { status => 'completed' }, { bearer => $token });
my $notif = (api(GET => '/api/notifications', undef, { bearer => $token })->{json}{items} || [{ id => 'x' }])->[0]{id};
my $tasks_cursor = do {
    api(POST => '/api/tasks', { title => "page $_" }, { bearer => $token }) for 1 .. 2;
    api(GET => '/api/tasks?limit=1', undef, { bearer => $token })->{json}{nextCursor} // 'x';
};
my @before = sort map { $_->{EntitySort}{S} . ':' . ($_->{Version}{N} // '') } items_of($uid, '');

my ($host, $port) = base_url() =~ m{^https?://([^:/]+):(\d+)} or die 'base url';

# one request as raw bytes on a new connection: the parsed answer, or a
# status of 0 (no answer within 10 s) or 599 (not HTTP)
sub raw {
    my ($bytes) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 5)
        or return { status => 0, raw => "connect: $!" };
    binmode $s;
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite $s, $bytes, 65536, $off;
        last unless $n;     # nginx may answer (413) and close before the end
        $off += $n;
    }
    my $buf = '';
    my $sel = IO::Select->new($s);
    my $deadline = Time::HiRes::time() + 10;
    while (Time::HiRes::time() < $deadline) {
        last unless $sel->can_read($deadline - Time::HiRes::time());
        my $n = sysread $s, my $chunk, 65536;
        last unless $n;
        $buf .= $chunk;
        last if $buf =~ /\r\n\r\n/ && complete($buf);
    }
    close $s;
    return { status => 0, raw => 'no answer within 10 s' } unless length $buf;
    return parse_response($buf);
}

# a whole answer: its Content-Length read, or the last chunk
sub complete {
    my ($buf) = @_;
    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    return $body =~ /(?:^|\r\n)0\r\n\r\n$/ if $head =~ /^transfer-encoding:\s*chunked/im;
    my ($len) = $head =~ /^content-length:\s*(\d+)/im;
    return defined $len ? length($body) >= $len : 0;
}

sub message {
    my ($method, $path, $body, %o) = @_;
    my %h = (Host => "$host:$port", Connection => 'close', Accept => 'application/json',
             'X-Requested-With' => 'XMLHttpRequest',
             (defined $o{token} ? ($o{token} eq '' ? () : (Authorization => "Bearer $o{token}"))
                                : (Authorization => "Bearer $token")),
             %{ $o{headers} || {} });
    my $content = $body // '';
    if ($o{chunked}) {
        $h{'Transfer-Encoding'} = 'chunked';
        $content = join('', map { sprintf("%x\r\n%s\r\n", length $_, $_) }
                                grep { length } unpack('(a4000)*', $content)) . "0\r\n\r\n";
    } elsif (defined $body) {
        $h{'Content-Length'} = length $body;
    }
    $h{'Content-Type'} //= 'application/json' if defined $body && !exists $o{headers}{'Content-Type'};
    delete $h{'Content-Type'} if exists $o{headers}{'Content-Type'} && !defined $o{headers}{'Content-Type'};
    return "$method $path HTTP/1.1\r\n" . join('', map { "$_: $h{$_}\r\n" } grep { defined $h{$_} } sort keys %h)
        . "\r\n" . $content;
}

my (%by_category, @problems);
my $sent = 0;
sub check {
    my ($category, $what, $r) = @_;
    $sent++;
    $by_category{$category}++;
    my $st = $r->{status} // 0;
    my $why;
    if ($st == 0) {
        $why = 'no answer within 10 s';
    } elsif ($st >= 500) {
        $why = "status $st";
    } elsif ($st == 404 && $what =~ m{^\S+ /api/\w+/\.\.%2f\.\.%2f}) {
        # nginx decodes and resolves the path: /users/me is the web app's
        # (its 404 page), not the API's
    } elsif ($st >= 400) {
        my $e = ref $r->{json} eq 'HASH' ? $r->{json}{error} : undef;
        $why = "$st without a JSON error"
            unless ($r->{headers}{'content-type'} // '') =~ m{^application/json}i
                && ref $e eq 'HASH' && defined $e->{code} && !ref $e->{code} && length $e->{code}
                && defined $e->{message} && !ref $e->{message};
    }
    push @problems, "$category: $what: $why (" . substr($r->{raw} // '', 0, 120) . ')' if $why;
    diag "ACCEPTED $category: $what: $st" if $ENV{BAD_INPUT_DEBUG} && $st < 400;
}
sub send_one {
    my ($category, $method, $path, $body, %o) = @_;
    my $what = "$method $path" . (defined $body ? ' ' . substr(join('', map { /[ -~]/ ? $_ : sprintf('\\x%02x', ord) } split //, $body), 0, 60) : '');
    check($category, $what, raw(message($method, $path, $body, %o)));
}

# ---- bodies: every route that reads one
my @body_routes = (
    [POST => '/api/users/register'], [POST => '/api/users/login'], [POST => '/api/users/confirm'],
    [POST => '/api/users/refresh'], [PATCH => '/api/users/me'], [POST => '/api/tasks'],
    [PATCH => "/api/tasks/$task"], [POST => '/api/lists'], [PATCH => "/api/lists/$list"],
    [PATCH => "/api/notifications/$notif"], [POST => '/api/users/me/phone/confirm'],
    [POST => '/api/users/login/mfa'],
    [POST => '/api/users/me/mfa/totp/confirm'], [DELETE => '/api/users/me/mfa'],
    [DELETE => '/api/users/me'],
);
my @bodies = (
    '', '{', '{"a":1}x', '[]', '42', 'null', '"text"', '{"title":}', '{,}', "{\"title\":\"a\"\x00}",
    '[' x 3000 . ']' x 3000, "{\"title\":\"\xff\xfe\xfd\"}", "{\"title\":\"\xc0\xaf\"}",
    "{\"title\":\"a\x00b\"}", '{"title":"a\\u0000b"}', '{"title":"\\ud800"}', '{"title":"\\udc00x"}',
    '{"title":"' . ('x' x 70_000) . '"}', '{"title":"a","title":"b"}', '{"title":"a"} {"title":"b"}',
    "\xef\xbb\xbf{\"title\":\"bom\"}", '{"title":1e999999}', '{"title":"' . ("\xf0\x9f\x98\x80" x 300) . '"}',
);
for my $rt (@body_routes) {
    send_one('bodies', @$rt, $_) for @bodies;
    send_one('content types', @$rt, '{"title":"t"}', headers => { 'Content-Type' => 'text/plain' });
    send_one('content types', @$rt, '{"title":"t"}', headers => { 'Content-Type' => 'application/json; charset=latin1' });
    send_one('content types', @$rt, '{"title":"t"}', headers => { 'Content-Encoding' => 'gzip' });
    send_one('content types', @$rt, '{"title":"t"}', headers => { 'Content-Type' => undef });
    send_one('chunked', @$rt, '{"title":', chunked => 1);
    send_one('chunked', @$rt, '{"title":"' . ('y' x 100_000) . '"}', chunked => 1);
}

# ---- wrong types, field by field
my %fields = (
    '/api/tasks' => [qw(title description dueDate status priority labels listId)],
    "/api/tasks/$task" => [qw(title description dueDate status priority labels listId)],
    '/api/lists' => [qw(name color position)],
    "/api/lists/$list" => [qw(name color position)],
    '/api/users/me' => [qw(firstName lastName phoneNumber notificationPreferences timeZone)],
    '/api/users/register' => [qw(email password firstName lastName phoneNumber)],
    '/api/users/login' => [qw(email password)],
    '/api/users/me/phone/confirm' => [qw(code)],
    '/api/users/login/mfa' => [qw(challenge code)],
);
my @wrong = ('123', '-1', '1.5', 'true', '[]', '{}', '[1,2]', '""', '"' . ('z' x 5000) . '"', '"\\u0000"');
# values of those that a field takes (a position is a number, a description
# may be empty or 5,000 characters, labels may be none)
my %valid = (position => { 123 => 1 }, description => { '""' => 1, $wrong[8] => 1 }, labels => { '[]' => 1 });
for my $path (sort keys %fields) {
    my $method = $path =~ m{/api/(tasks|lists)/|/api/users/me$} ? 'PATCH' : 'POST';
    for my $f (@{ $fields{$path} }) {
        send_one('wrong types', $method, $path, "{\"$f\":$_}") for grep { !$valid{$f}{$_} } @wrong;
    }
}

# ---- ids with tricks, on every id route
my @ids = ('..%2f..%2fusers%2fme', '%2e%2e', '%00', 'a' x 300, '%ff%fe', "\xc3\xbc", 'x%20y', 'x;y', '%25',
           'TASK_x', '*', '..', '.%2e', 'x%0d%0aSet-Cookie:%20a=b');
for my $base ('/api/tasks/', '/api/lists/', '/api/notifications/') {
    for my $id (@ids) {
        send_one('ids', GET => "$base$id") unless $base eq '/api/notifications/';
        send_one('ids', DELETE => "$base$id");
        send_one('ids', PATCH => "$base$id", '{"title":"t","name":"n","read":true}');
    }
}

# ---- listings: cursors and query parameters
my @cursors = ('x', 'AAAA', substr($tasks_cursor, 0, 10), $tasks_cursor . 'x', 'A' x 5000,
               do { (my $c = $tasks_cursor) =~ tr/A-Za-z/B-ZAb-za/; $c }, '%00', '..');
for my $c (@cursors) {
    send_one('cursors', GET => "/api/tasks?cursor=$c");
    send_one('cursors', GET => "/api/notifications?cursor=$c");
}
send_one('cursors', GET => "/api/notifications?cursor=$tasks_cursor");
for my $q ('limit=-1', 'limit=abc', 'limit=100000', 'limit=', 'status=foo', 'status=completed,foo',
           'dueFrom=bad', 'dueTo=2026-13-40', 'dueFrom=9999-12-31T23:59:59-23:59', 'view=tomorrow',
           'priority=0', 'priority=5', 'priority=1,9', 'completed=maybe', 'sort=random', 'q=' . ('q' x 200),
           'q=%00', 'q=%ff', 'list=' . ('l' x 300), 'label=%00', 'nope=1', 'limit=1&limit=2', '%zz=1') {
    send_one('parameters', GET => "/api/tasks?$q");
}
for my $q ('unread=yes', 'limit=0', 'limit=x', 'nope=1') {
    send_one('parameters', GET => "/api/notifications?$q");
}
send_one('parameters', GET => '/api/lists?tasks=x');
send_one('parameters', DELETE => "/api/lists/$list?tasks=explode");
send_one('parameters', GET => '/api/labels?x=1');

# ---- tokens
my ($h, $p) = jwt_parts($token);
my @tokens = ('garbage', 'a.b.c', '...', jwt_make({ %$h, alg => 'none' }, $p) . '.',
              jwt_make({ %$h, alg => 'HS256' }, $p) . '.c2ln', jwt_make($h, { %$p, exp => 1 }) . '.c2ln',
              jwt_make($h, { %$p, token_use => 'id' }) . '.c2ln', 'x' x 20_000, "\xff\xfe.\x00.x",
              jwt_make({ %$h, kid => '../../etc/passwd' }, $p) . '.c2ln');
for my $t (@tokens) {
    send_one('tokens', GET => '/api/tasks', undef, token => $t);
    send_one('tokens', POST => '/api/tasks', '{"title":"t"}', token => $t);
    send_one('tokens', GET => '/api/users/me', undef, token => '', headers => { Cookie => "tm_access=$t" });
}

# ---- methods
for my $m (qw(PUT TRACE OPTIONS CONNECT PROPFIND)) {
    send_one('methods', $m => $_) for '/api/tasks', "/api/tasks/$task", '/api/lists', '/api/users/me',
                                         '/api/notifications', '/api/health', '/api/labels';
}
send_one('methods', GET => '/api/users/login');
send_one('methods', DELETE => '/api/notifications/read-all');

cmp_ok $sent, '>=', 300, "$sent bad requests sent";
note join ', ', map { "$_ $by_category{$_}" } sort keys %by_category;
is scalar(@problems), 0, 'each answered within 10 s, no 5xx, every 4xx a JSON error'
    or diag join "\n", @problems[0 .. ($#problems < 30 ? $#problems : 30)];

my @after = sort map { $_->{EntitySort}{S} . ':' . ($_->{Version}{N} // '') } items_of($uid, '');
is_deeply \@after, \@before, "nothing written: the user's items are as they were";

my $ok = api(GET => '/api/tasks', undef, { bearer => $token });
is $ok->{status}, 200, 'and the API still answers';

done_testing;
