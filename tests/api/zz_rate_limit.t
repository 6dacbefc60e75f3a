#!/usr/bin/perl
# Registration and login are rate limited per client address (nginx
# limit_req, TASKMGR_AUTH_RATE 10r/s, burst TASKMGR_AUTH_BURST 40): ~80
# rapid logins must meet 429s with a JSON error (code rate_limited) and a
# Retry-After header; so are confirm and refresh, in a zone of their own,
# and the password routes and confirm/resend in a third, the calendar feed
# in a fourth, account deletion in a fifth.
# Runs last (zz_): it drains the buckets.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use Time::HiRes ();
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $WORKERS = 8;
my $EACH    = 10;
my $RATE    = ($ENV{TASKMGR_AUTH_RATE} // '10r/s') =~ /^(\d+)r\/s$/ ? $1 : 10;
my $BURST   = $ENV{TASKMGR_AUTH_BURST} // 40;

my $reg = register_user(tag => 'ratelimit');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
sleep 1;    # let earlier files' requests drain a little

# ---- the burst: WORKERS processes, EACH wrong-password logins apiece
my $dir = File::Temp->newdir;
my $t0 = Time::HiRes::time();
my @pids;
for my $w (1 .. $WORKERS) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        my @out;
        for (1 .. $EACH) {
            my $r = api(POST => '/api/users/login', { email => $reg->{email}, password => 'Wr0ng!Password#' });
            push @out, { status => $r->{status}, headers => $r->{headers}, raw => $r->{raw} };
        }
        open my $fh, '>', "$dir/$w.json" or die;
        print $fh json_encode(\@out);
        close $fh;
        POSIX::_exit(0);
    }
    push @pids, $pid;
}
waitpid $_, 0 for @pids;
my $elapsed = Time::HiRes::time() - $t0;

my @res;
for my $w (1 .. $WORKERS) {
    open my $fh, '<', "$dir/$w.json" or do { fail("worker $w wrote no results"); next };
    local $/;
    push @res, @{ json_decode(scalar <$fh>) };
}
# api()'s JSON decoding happened in the children: redo it here
for my $r (@res) {
    $r->{json} = eval { json_decode($r->{raw}) } if ($r->{headers}{'content-type'} // '') =~ m{^application/json}i;
}
is scalar @res, $WORKERS * $EACH, sprintf '%d logins sent in %.2fs', scalar @res, $elapsed;

my @limited = grep { $_->{status} == 429 } @res;
my @passed  = grep { $_->{status} != 429 } @res;
note sprintf '%d answered 429, %d went through', scalar @limited, scalar @passed;
ok @limited >= 10, 'some logins were refused with 429' or diag 'statuses: ' . join ' ', map { $_->{status} } @res;
my $allowed = $BURST + 1 + $RATE * $elapsed + 2;
ok @passed <= $allowed, sprintf 'at most burst + rate x time went through (%d <= %.0f)', scalar @passed, $allowed;

if (@limited) {
    my $r = $limited[0];
    error_ok($r, 429, 'rate_limited', undef, 'a 429 is a JSON error with code rate_limited', POST => '/api/users/login');
    like $r->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, 'with a Retry-After in seconds';
    my @bad = grep { my $x = $_; my @e = (error_errors($x, 429, 'rate_limited'), spec_errors(POST => '/api/users/login', $x));
                     push @e, 'no Retry-After' unless ($x->{headers}{'retry-after'} // '') =~ /^[1-9]\d*$/; @e } @limited;
    is scalar @bad, 0, 'every 429 is like that' or diag explain $bad[0];
}
{
    my @bad = grep { my @e = (error_errors($_, 401, 'invalid_credentials'), spec_errors(POST => '/api/users/login', $_)); @e } @passed;
    is scalar @bad, 0, 'the logins let through were answered 401 invalid_credentials'
        or diag explain $bad[0];
}

# ---- registration shares the limit; other routes do not
{
    # quick requests (an empty body is refused without a backend call),
    # enough of them to outrun the refill (10 r/s) even on a busy machine
    # where the checks above let the bucket drain
    my @st;
    for (1 .. 120) {
        my $r = api(POST => '/api/users/register', {});
        push @st, $r->{status};
        if ($r->{status} == 429) {
            error_ok($r, 429, 'rate_limited', undef, 'register is limited by the same zone: 429 rate_limited',
                     POST => '/api/users/register');
            last;
        }
    }
    ok grep({ $_ == 429 } @st), 'a register right after the login burst meets the limit' or diag "statuses @st";

    my $h = api(GET => '/api/health');
    spec_ok(GET => '/api/health', $h);
    is $h->{status}, 200, 'health is not rate limited';
    my $m = api(GET => '/api/users/me', undef, { bearer => $reg->{access} // 'x' });
    spec_ok(GET => '/api/users/me', $m);
    is $m->{status}, 200, 'GET /me is not rate limited';
}

# ---- after Retry-After, logins work again
{
    my $wait = $limited[-1] ? $limited[-1]{headers}{'retry-after'} : 1;
    $wait = 1 unless defined $wait && $wait =~ /^\d+$/ && $wait > 0;
    Time::HiRes::sleep($wait + 0.2);
    my $r = api(POST => '/api/users/login', { email => $reg->{email}, password => $reg->{password} });
    spec_ok(POST => '/api/users/login', $r);
    is $r->{status}, 200, "login works again after Retry-After ($wait s)" or diag $r->{raw};
}

# ---- confirm and refresh: a zone of their own, the same rules
for my $path ('/api/users/refresh', '/api/users/confirm') {
    my $body = $path =~ /refresh/ ? { refreshToken => 'junk-' . rand } : { email => $reg->{email}, code => '000000' };
    my $t1 = Time::HiRes::time();
    my @r = map { api(POST => $path, $body) } 1 .. 70;
    my $took = Time::HiRes::time() - $t1;
    my @limited = grep { $_->{status} == 429 } @r;
    ok @limited >= 5, sprintf('%d rapid POST %s: %d answered 429', scalar @r, $path, scalar @limited);
    ok scalar(grep { $_->{status} != 429 } @r) <= $BURST + 1 + $RATE * $took + 2, '... at most burst + rate x time through';
    error_ok($limited[0] // { status => 0, raw => '' }, 429, 'rate_limited', undef, "$path: a JSON 429", POST => $path);
    like +($limited[0] // {})->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, '... with Retry-After';
}

# ---- the password routes and confirm/resend: one zone, the same rules
# (an empty body is refused without a backend call, so these are quick)
{
    my $path = '/api/users/password/forgot';
    my $t1 = Time::HiRes::time();
    my @r = map { api(POST => $path, {}) } 1 .. 70;
    my $took = Time::HiRes::time() - $t1;
    my @limited = grep { $_->{status} == 429 } @r;
    ok @limited >= 5, sprintf('%d rapid POST %s: %d answered 429', scalar @r, $path, scalar @limited);
    ok scalar(grep { $_->{status} != 429 } @r) <= $BURST + 1 + $RATE * $took + 2, '... at most burst + rate x time through';
    error_ok($limited[0] // { status => 0, raw => '' }, 429, 'rate_limited', undef, "$path: a JSON 429", POST => $path);
    like +($limited[0] // {})->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, '... with Retry-After';
    for my $other ('/api/users/password/reset', '/api/users/password/change', '/api/users/confirm/resend') {
        my @st = map { api(POST => $other, {})->{status} } 1 .. 3;
        ok grep({ $_ == 429 } @st), "$other shares the limit" or diag "statuses @st";
    }
}

# ---- the calendar feed (no session: the URL is the secret): a zone of its
# own, the same rules (a token of the wrong shape costs no backend call)
{
    my $path = '/api/calendar/short.ics';
    my $t1 = Time::HiRes::time();
    my @r = map { api(GET => $path) } 1 .. 70;
    my $took = Time::HiRes::time() - $t1;
    my @limited = grep { $_->{status} == 429 } @r;
    ok @limited >= 5, sprintf('%d rapid GET %s: %d answered 429', scalar @r, $path, scalar @limited);
    ok scalar(grep { $_->{status} != 429 } @r) <= $BURST + 1 + $RATE * $took + 2, '... at most burst + rate x time through';
    error_ok($limited[0] // { status => 0, raw => '' }, 429, 'rate_limited', undef, "$path: a JSON 429",
             GET => '/api/calendar/{token}.ics');
    like +($limited[0] // {})->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, '... with Retry-After';
}

# ---- account deletion (a password guessed): per address like login, in
# a zone of its own that GET and PATCH of the profile do not touch (an
# empty body is refused without a backend call)
{
    my $path = '/api/users/me';
    my $t1 = Time::HiRes::time();
    my @r = map { api(DELETE => $path, {}, { bearer => $reg->{access} // 'x' }) } 1 .. 70;
    my $took = Time::HiRes::time() - $t1;
    my @limited = grep { $_->{status} == 429 } @r;
    ok @limited >= 5, sprintf('%d rapid DELETE %s: %d answered 429', scalar @r, $path, scalar @limited);
    ok scalar(grep { $_->{status} != 429 } @r) <= $BURST + 1 + $RATE * $took + 2, '... at most burst + rate x time through';
    error_ok($limited[0] // { status => 0, raw => '' }, 429, 'rate_limited', undef, "DELETE $path: a JSON 429",
             DELETE => $path);
    like +($limited[0] // {})->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, '... with Retry-After';
    is api(GET => $path, undef, { bearer => $reg->{access} // 'x' })->{status}, 200, 'GET /me is not limited by it';
}

done_testing;
