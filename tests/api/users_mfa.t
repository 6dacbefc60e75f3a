#!/usr/bin/perl
# Two-factor sign-in (TOTP): POST /api/users/me/mfa/totp (a secret),
# /totp/confirm (on), DELETE /api/users/me/mfa (off), login's challenge and
# POST /api/users/login/mfa.  The codes are computed here from the secret
# (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits).  A wrong code and a code
# accepted once are refused; a challenge is refused when garbage, unknown,
# expired, spent or out of tries, and serves only its own user; login/mfa
# is limited in login's zone.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(hmac_sha1 sha256_hex);
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

# ---- RFC 6238

sub base32_decode {
    my ($s) = @_;
    $s =~ s/=+$//;
    my $bits = join '', map {
        sprintf '%05b', index('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', $_)
    } split //, uc $s;
    return pack 'B*', substr($bits, 0, int(length($bits) / 8) * 8);
}

sub totp_at {
    my ($secret, $step) = @_;
    my $h = hmac_sha1(pack('NN', int($step / 2**32), $step % 2**32), base32_decode($secret));
    my $o = ord(substr $h, -1) & 0x0f;
    my $n = unpack('N', substr $h, $o, 4) & 0x7fffffff;
    return sprintf '%06d', $n % 1_000_000;
}

sub step_now { int(time() / 30) }

# RFC 6238's SHA-1 vectors (the 20-byte ASCII secret 1234567890...)
{
    my $rfc = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    my %v = (59 => '287082', 1111111109 => '081804', 1111111111 => '050471',
             1234567890 => '005924', 2000000000 => '279037', 20000000000 => '353130');
    is totp_at($rfc, int($_ / 30)), $v{$_}, "RFC 6238 vector at T=$_" for sort { $a <=> $b } keys %v;
}

# a code not accepted yet for this secret (the next step's, else the
# current one's, else the next step is waited for)
my %used;
sub fresh_code {
    my ($secret) = @_;
    for (1 .. 2) {
        for my $off (1, 0) {
            my $c = totp_at($secret, step_now() + $off);
            next if $used{"$secret:$c"}++;
            return $c;
        }
        Time::HiRes::sleep(30 - (Time::HiRes::time() % 30) + 0.2);
    }
    die 'no fresh code';
}

# a good code now, not taken from the fresh ones: for requests that are
# refused before the code is checked, or checked against another secret
sub peek_code { totp_at($_[0], step_now()) }

# a code that no step near now has
sub wrong_code {
    my ($secret) = @_;
    my %near = map { (totp_at($secret, step_now() + $_) => 1) } -3 .. 3;
    my $c = 0;
    $c++ while $near{ sprintf '%06d', $c };
    return sprintf '%06d', $c;
}

# ---- helpers

sub post {
    my ($path, $body, $opts) = @_;
    my $r = auth_api(undef, POST => $path, $body, $opts);
    spec_ok(POST => $path, $r);
    return $r;
}

sub as_user {
    my ($u, $method, $path, $body) = @_;
    my $r = auth_api(undef, $method, $path, $body, { bearer => $u->{access} });
    spec_ok($method => $path, $r);
    return $r;
}

sub me { as_user($_[0], GET => '/api/users/me')->{json}{user} }

sub login { post('/api/users/login', { email => $_[0]{email}, password => $_[0]{password} }) }

# a challenge for user u, its login checked: no tokens, no cookies
sub challenge_of {
    my ($u, $name) = @_;
    my $r = login($u);
    is $r->{status}, 200, "$name: login 200" or diag $r->{raw};
    is_deeply [sort keys %{ $r->{json} || {} }], [qw(challenge mfaRequired)],
        "$name: {mfaRequired, challenge}, no tokens";
    my @cookies = set_cookie_lines($r);
    is scalar(@cookies), 0, "$name: no cookies";
    return $r->{json}{challenge} // 'x' x 43;
}

# turns two-factor on for u; its secret
sub enable_mfa {
    my ($u) = @_;
    my $r = as_user($u, POST => '/api/users/me/mfa/totp');
    is $r->{status}, 200, 'a secret' or diag $r->{raw};
    my $secret = $r->{json}{secret} // 'A';
    $r = as_user($u, POST => '/api/users/me/mfa/totp/confirm', { code => fresh_code($secret) });
    is $r->{status}, 204, 'confirmed: two-factor on' or diag $r->{raw};
    return $secret;
}

my $a = register_user(tag => 'mfa-a');
is $a->{r}{status}, 201, 'user A' or diag $a->{r}{raw};
my $b = register_user(tag => 'mfa-b');
is $b->{r}{status}, 201, 'user B' or diag $b->{r}{raw};

# ---- off by default; confirm without a secret; no session
is me($a)->{mfaEnabled}, JSON::PP::false, 'mfaEnabled false at first';
error_ok(as_user($a, POST => '/api/users/me/mfa/totp/confirm', { code => '123456' }),
         409, 'mfa_not_set_up', undef, 'confirm before a secret: 409');
error_ok(post('/api/users/me/mfa/totp'), 401, 'unauthorized', undef,
         'no session: 401', POST => '/api/users/me/mfa/totp');

# ---- the secret
my $r = as_user($a, POST => '/api/users/me/mfa/totp');
is $r->{status}, 200, 'POST /me/mfa/totp: 200' or diag $r->{raw};
my $secret = $r->{json}{secret} // '';
like $secret, qr/^[A-Z2-7]{16,}$/, 'the secret is base32';
(my $esc = $a->{email}) =~ s/([^A-Za-z0-9._~-])/sprintf '%%%02X', ord $1/ge;
is $r->{json}{otpauthUri},
   "otpauth://totp/taskmgr:$esc?secret=$secret&issuer=taskmgr&algorithm=SHA1&digits=6&period=30",
   'the otpauth URI names the account and the secret';
is length(base32_decode($secret)) >= 16, 1, 'at least 128 bits of secret';

# ---- bad input: clear 4xx, never 5xx
for my $case ([undef, 'invalid_json', undef], [{}, 'missing_field', 'code'],
              [{ code => '12345' }, 'invalid_code', 'code'], [{ code => '1234567' }, 'invalid_code', 'code'],
              [{ code => 123456 }, 'invalid_field', 'code'], [{ code => 'abcdef' }, 'invalid_code', 'code'],
              [{ code => '123456', x => 1 }, 'unknown_field', 'x']) {
    my ($body, $code, $field) = @$case;
    my $r = as_user($a, POST => '/api/users/me/mfa/totp/confirm', $body);
    ok $r->{status} >= 400 && $r->{status} < 500, 'confirm ' . (defined $body ? json_encode($body) : 'without a body')
        . ": $r->{status} " . ($r->{json}{error}{code} // '');
}
error_ok(as_user($a, POST => '/api/users/me/mfa/totp/confirm', { code => wrong_code($secret) }),
         400, 'invalid_code', 'code', 'confirm with a wrong code: 400 invalid_code');
is me($a)->{mfaEnabled}, JSON::PP::false, 'still off';

# ---- on
my $c1 = fresh_code($secret);
$r = as_user($a, POST => '/api/users/me/mfa/totp/confirm', { code => $c1 });
is $r->{status}, 204, 'confirm with a good code: 204' or diag $r->{raw};
is me($a)->{mfaEnabled}, JSON::PP::true, 'mfaEnabled true';
error_ok(as_user($a, POST => '/api/users/me/mfa/totp'), 409, 'mfa_enabled', undef,
         'a new secret while on: 409');

# ---- replay: the confirm's code, once more
error_ok(as_user($a, DELETE => '/api/users/me/mfa', { code => $c1 }), 400, 'invalid_code', 'code',
         'turning off with the code just used: refused');
is me($a)->{mfaEnabled}, JSON::PP::true, 'still on';

# ---- login: a challenge, no tokens
my $ch = challenge_of($a, 'A');
like $ch, qr/^[A-Za-z0-9_-]{43}$/, 'the challenge is opaque base64url';
error_ok(post('/api/users/login/mfa', { challenge => $ch, code => $c1 }), 400, 'invalid_code', 'code',
         'the challenge with a used code: refused', POST => '/api/users/login/mfa');
error_ok(post('/api/users/login/mfa', { challenge => $ch, code => wrong_code($secret) }), 400,
         'invalid_code', 'code', 'a wrong code: refused', POST => '/api/users/login/mfa');

# ---- garbage and unknown challenges
for my $bad ('x', '', 'A' x 44, ('a' x 42) . '=', 42) {
    my $r = post('/api/users/login/mfa', { challenge => $bad, code => '123456' });
    ok $r->{status} == 400 || $r->{status} == 401, "challenge '$bad': $r->{status} "
        . ($r->{json}{error}{code} // '');
}
error_ok(post('/api/users/login/mfa', { challenge => 'Q' x 43, code => peek_code($secret) }), 401,
         'invalid_challenge', 'challenge', 'an unknown challenge: 401', POST => '/api/users/login/mfa');
for my $body ({ code => '123456' }, { challenge => $ch }, { challenge => $ch, code => '12' },
              { challenge => $ch, code => '123456', email => $a->{email} }) {
    my $r = post('/api/users/login/mfa', $body);
    is $r->{status}, 400, 'login/mfa ' . json_encode($body) . ': 400 ' . ($r->{json}{error}{code} // '');
}

# ---- another user's challenge and codes
my $bsecret = enable_mfa($b);
my $bch = challenge_of($b, 'B');
error_ok(post('/api/users/login/mfa', { challenge => $bch, code => peek_code($secret) }), 400,
         'invalid_code', 'code', "B's challenge with A's code: refused", POST => '/api/users/login/mfa');
$r = auth_api(undef, POST => '/api/users/login/mfa', { challenge => $ch, code => peek_code($bsecret) },
              { bearer => $b->{access} });
error_ok($r, 400, 'invalid_code', 'code', "A's challenge, B's session and B's code: refused",
         POST => '/api/users/login/mfa');

# ---- the good code: the session, as login's
my $c2 = fresh_code($secret);
$r = post('/api/users/login/mfa', { challenge => $ch, code => $c2 });
is $r->{status}, 200, 'login/mfa with a good code: 200' or diag $r->{raw};
is $r->{json}{user}{id}, $a->{user}{id}, "A's session";
is $r->{json}{user}{mfaEnabled}, JSON::PP::true, 'the user says mfaEnabled';
ok cookie_line($r, 'tm_access') && cookie_line($r, 'tm_refresh'), 'the session cookies are set';
my $access = $r->{json}{accessToken} // 'x';
is api(GET => '/api/users/me', undef, { bearer => $access })->{status}, 200, 'the token works';
error_ok(post('/api/users/login/mfa', { challenge => $ch, code => peek_code($secret) }), 401,
         'invalid_challenge', 'challenge', 'the challenge again, once used: 401',
         POST => '/api/users/login/mfa');

# a new challenge and the code just accepted: the replay is refused
my $ch2 = challenge_of($a, 'A again');
error_ok(post('/api/users/login/mfa', { challenge => $ch2, code => $c2 }), 400, 'invalid_code', 'code',
         'a code accepted once, replayed with a new challenge: refused', POST => '/api/users/login/mfa');

# ---- tries: 5 per challenge
for my $i (2 .. 5) {
    post('/api/users/login/mfa', { challenge => $ch2, code => wrong_code($secret) });
}
error_ok(post('/api/users/login/mfa', { challenge => $ch2, code => peek_code($secret) }), 401,
         'invalid_challenge', 'challenge', 'after 5 tries, even a good code: 401',
         POST => '/api/users/login/mfa');

# ---- expiry: a challenge past its 3 minutes
my $ch3 = challenge_of($a, 'A, to expire');
my $key = 'MFA_' . sha256_hex($ch3);
my $item = dynamodb(GetItem => { TableName => stack_env('TASKMGR_TABLE'),
                                 Key => { EntityPartition => { S => $key }, EntitySort => { S => $key } },
                                 ConsistentRead => JSON::PP::true() })->{json}{Item};
ok $item && !grep({ /^$ch3$/ } map { $_->{S} // '' } values %$item), 'the table keeps the hash, not the challenge';
my $exp = $item ? $item->{ExpiresAt}{N} : 0;
ok $exp > time() && $exp <= time() + 181, 'it expires within 3 minutes';
dynamodb(UpdateItem => { TableName => stack_env('TASKMGR_TABLE'),
                         Key => { EntityPartition => { S => $key }, EntitySort => { S => $key } },
                         UpdateExpression => 'SET ExpiresAt = :t',
                         ExpressionAttributeValues => { ':t' => { N => '' . (time() - 1) } } });
error_ok(post('/api/users/login/mfa', { challenge => $ch3, code => peek_code($secret) }), 401,
         'invalid_challenge', 'challenge', 'an expired challenge: 401', POST => '/api/users/login/mfa');

# ---- off
error_ok(as_user($a, DELETE => '/api/users/me/mfa', { code => wrong_code($secret) }), 400,
         'invalid_code', 'code', 'turning off with a wrong code: 400');
$r = as_user($a, DELETE => '/api/users/me/mfa', { code => fresh_code($secret) });
is $r->{status}, 204, 'turning off with a good code: 204' or diag $r->{raw};
is me($a)->{mfaEnabled}, JSON::PP::false, 'mfaEnabled false again';
$r = login($a);
is $r->{status}, 200, 'login without two-factor';
ok $r->{json}{accessToken} && cookie_line($r, 'tm_access'), 'tokens and cookies at once';
ok !exists $r->{json}{mfaRequired}, 'no challenge';

# B still has it on
$r = login($b);
ok $r->{json}{mfaRequired} && !$r->{json}{accessToken}, 'B still gets a challenge';

# ---- limited as login, in login's zone (last: the address is throttled
# for a few seconds after)
my @st = map { api(POST => '/api/users/login/mfa', { challenge => 'x', code => '1' })->{status} } 1 .. 80;
my $limited = grep { $_ == 429 } @st;
ok $limited > 0, "rapid login/mfa tries meet 429 ($limited of 80)";
error_ok(api(POST => '/api/users/login', { email => $a->{email}, password => 'x' }), 429, 'rate_limited', undef,
         'login then too: one zone', POST => '/api/users/login');
$r = api(POST => '/api/users/login/mfa', { challenge => 'x', code => '1' });
error_ok($r, 429, 'rate_limited', undef, 'a 429 is a JSON error', POST => '/api/users/login/mfa');
Time::HiRes::sleep(5);

done_testing;
