#!/usr/bin/perl
# Passwords: POST /api/users/password/forgot and /reset (the code from
# cognito-local's records), /password/change, and /confirm/resend.  Forgot
# and resend answer 202 alike, and as fast, for known and unknown emails;
# a reset ends every session of the user, a change every other session.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $NEW  = 'N3w!Passw0rd#x';
my $NEW2 = 'An0ther!Passw0rd';

my $reg = register_user(tag => 'password', firstName => 'Pat', lastName => 'Word');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $email = $reg->{email};
my $unknown = unique_email('nobody');

sub login {
    my ($e, $pw) = @_;
    my $r = auth_api(undef, POST => '/api/users/login', { email => $e, password => $pw });
    spec_ok(POST => '/api/users/login', $r);
    return $r;
}

sub me_status {
    my ($tok) = @_;
    my $r = api(GET => '/api/users/me', undef, { bearer => $tok // 'x' });
    spec_ok(GET => '/api/users/me', $r);
    return $r->{status};
}

# a POST to a public password route, its answer checked against the spec
sub post {
    my ($path, $body, $opts) = @_;
    my $r = auth_api(undef, POST => $path, $body, $opts);
    spec_ok(POST => $path, $r);
    return $r;
}

sub median {
    my @s = sort { $a <=> $b } @_;
    return @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
}

# forgot or resend for a known and an unknown email, taken in turns:
# the same status and body, medians of the times within 50 ms
sub no_enumeration {
    my ($path, $known) = @_;
    my (%ms, %seen);
    for my $i (1 .. 5) {
        for my $who ([known => $known], [unknown => unique_email('nobody')]) {
            my $t0 = Time::HiRes::time();
            my $r = post($path, { email => $who->[1] });
            push @{ $ms{ $who->[0] } }, (Time::HiRes::time() - $t0) * 1000;
            $seen{"$r->{status} " . json_encode($r->{json})}++;
        }
    }
    is_deeply [keys %seen], ['202 {"accepted":true}'],
        "$path: 202 {accepted: true} for known and unknown emails alike";
    my ($k, $u) = (median(@{ $ms{known} }), median(@{ $ms{unknown} }));
    ok abs($k - $u) < 50, sprintf "$path: median %.1f ms known, %.1f ms unknown", $k, $u;
    note sprintf "$path ms known: %s; unknown: %s", map { join ' ', map { sprintf '%.0f', $_ } @$_ }
        $ms{known}, $ms{unknown};
}

# ---- forgot: 202 always, as fast for any email
no_enumeration('/api/users/password/forgot', $email);

# ---- reset
my $code = confirmation_code($email);
like $code // '', qr/^\d{6}$/, 'cognito-local holds a code for the reset';

my $other = login($email, $reg->{password});
is $other->{status}, 200, 'a second session' or diag $other->{raw};
my $refresh = $reg->{client}->cookie('tm_refresh');
is me_status($reg->{access}), 200, 'the first session works before the reset';

my $r = post('/api/users/password/reset', { email => $email, code => '000000', password => $NEW });
error_ok($r, 400, 'invalid_code', 'code', 'a wrong code: 400 invalid_code',
         POST => '/api/users/password/reset') if $code ne '000000';
$r = post('/api/users/password/reset', { email => $unknown, code => $code, password => $NEW });
error_ok($r, 400, 'invalid_code', 'code', 'an unknown email: 400 invalid_code',
         POST => '/api/users/password/reset');
for my $weak (['Sh0rt!pw', 'too short'], ['abcdefgh1!xyz', 'no upper-case'],
              ['Abcdefghi1xyz', 'no symbol'], ['', 'empty'])
{
    $r = post('/api/users/password/reset', { email => $email, code => $code, password => $weak->[0] });
    error_ok($r, 400, 'weak_password', 'password', "a new password $weak->[1]: 400 weak_password",
             POST => '/api/users/password/reset');
    like $r->{json}{error}{message} // '', qr/12 characters/, "the message states the policy ($weak->[1])";
}
is login($email, $reg->{password})->{status}, 200, 'refused resets left the password';

$r = post('/api/users/password/reset', { email => uc $email, code => $code, password => $NEW });
is $r->{status}, 204, 'the right code (email in any case): 204' or diag $r->{raw};
is $r->{raw}, '', 'no body';

my $old = login($email, $reg->{password});
error_ok($old, 401, 'invalid_credentials', undef, 'the old password is refused',
         POST => '/api/users/login');
is me_status($reg->{access}), 401, 'the first session ended';
is me_status($other->{json}{accessToken}), 401, 'the second session ended';

$r = post('/api/users/password/reset', { email => $email, code => $code, password => $NEW2 });
error_ok($r, 400, 'invalid_code', 'code', 'a code serves once', POST => '/api/users/password/reset');

my $s1 = login($email, $NEW);
is $s1->{status}, 200, 'the new password logs in' or diag $s1->{raw};
is me_status($s1->{json}{accessToken}), 200, 'a session begun after the reset works';

# ---- change: this session stays, the others end
my $s2 = login($email, $NEW);
is $s2->{status}, 200, 'another session' or diag $s2->{raw};
my ($t1, $t2) = ($s1->{json}{accessToken}, $s2->{json}{accessToken});

sub change {
    my ($body, $tok) = @_;
    my $x = api(POST => '/api/users/password/change', $body, { bearer => $tok });
    spec_ok(POST => '/api/users/password/change', $x);
    return $x;
}

$r = change({ currentPassword => 'Wr0ng!Passw0rd', newPassword => $NEW2 }, $t1);
error_ok($r, 400, 'invalid_password', 'currentPassword', 'a wrong current password: 400 invalid_password',
         POST => '/api/users/password/change');
$r = change({ currentPassword => $NEW, newPassword => 'abcdefgh1!xyz' }, $t1);
error_ok($r, 400, 'weak_password', 'newPassword', 'a weak new password: 400 weak_password',
         POST => '/api/users/password/change');
like $r->{json}{error}{message} // '', qr/12 characters/, 'the message states the policy';
$r = api(POST => '/api/users/password/change', { currentPassword => $NEW, newPassword => $NEW2 });
error_ok($r, 401, undef, undef, 'no session: 401', POST => '/api/users/password/change');
is me_status($t2), 200, 'refused changes ended no session';

$r = change({ currentPassword => $NEW, newPassword => $NEW2 }, $t1);
is $r->{status}, 204, 'change: 204' or diag $r->{raw};
is me_status($t1), 200, 'this session goes on';
is me_status($t2), 401, 'the other session ended';
error_ok(login($email, $NEW), 401, 'invalid_credentials', undef, 'the replaced password is refused',
         POST => '/api/users/login');
my $s3 = login($email, $NEW2);
is $s3->{status}, 200, 'the new password logs in' or diag $s3->{raw};
is me_status($s3->{json}{accessToken}), 200, 'and that session works';

# by cookie: the same, with X-Requested-With
{
    my $c = TaskmgrStack::Client->new;
    is auth_api($c, POST => '/api/users/login', { email => $email, password => $NEW2 })->{status}, 200,
        'a cookie session';
    my $x = $c->api(POST => '/api/users/password/change', { currentPassword => $NEW2, newPassword => $NEW },
                    { xhr => 0 });
    error_ok($x, 403, 'csrf', undef, 'change by cookie without X-Requested-With: 403',
             POST => '/api/users/password/change');
    $x = $c->api(POST => '/api/users/password/change', { currentPassword => $NEW2, newPassword => $NEW });
    is $x->{status}, 204, 'change by cookie: 204' or diag $x->{raw};
    is $c->api(GET => '/api/users/me')->{status}, 200, 'the cookie session goes on';
    is me_status($s3->{json}{accessToken}), 401, 'the bearer session ended';
}

# ---- resend the confirmation code: 202 always, as fast for any email
{
    my $e = unique_email('unconfirmed');
    my $su = cognito(SignUp => { ClientId => stack_env('TASKMGR_CLIENT_ID'), Username => $e,
                                 Password => strong_password(),
                                 UserAttributes => [{ Name => 'email', Value => $e }] });
    is $su->{status}, 200, 'an unconfirmed account in the pool' or diag $su->{raw};
    no_enumeration('/api/users/confirm/resend', $e);
    $r = post('/api/users/confirm/resend', { email => $email });
    is $r->{status}, 202, 'a confirmed account: 202 too';
    my $c = confirmation_code($e);
    $r = post('/api/users/confirm', { email => $e, code => $c // 'x' });
    is $r->{status}, 200, 'the code held after a resend confirms' or diag $r->{raw};
}

# ---- bad bodies: a JSON error naming the field
my $long = ('a' x 250) . '@example.com';
my @cases = (
    ['/api/users/password/forgot', {},                                  'missing_field', 'email'],
    ['/api/users/password/forgot', { email => 5 },                      'invalid_field', 'email'],
    ['/api/users/password/forgot', { email => '' },                     'invalid_field', 'email'],
    ['/api/users/password/forgot', { email => 'not-an-email' },         'invalid_field', 'email'],
    ['/api/users/password/forgot', { email => $long },                  'invalid_field', 'email'],
    ['/api/users/password/forgot', { email => [$email] },               'invalid_field', 'email'],
    ['/api/users/password/forgot', { email => $email, x => 1 },         'unknown_field', 'x'],
    ['/api/users/confirm/resend',  {},                                  'missing_field', 'email'],
    ['/api/users/confirm/resend',  { email => JSON::PP::true },         'invalid_field', 'email'],
    ['/api/users/confirm/resend',  { email => $long },                  'invalid_field', 'email'],
    ['/api/users/password/reset',  { code => '123456', password => $NEW }, 'missing_field', 'email'],
    ['/api/users/password/reset',  { email => $email, password => $NEW }, 'missing_field', 'code'],
    ['/api/users/password/reset',  { email => $email, code => '123456' }, 'missing_field', 'password'],
    ['/api/users/password/reset',  { email => $email, code => 123456, password => $NEW },
                                                                        'invalid_field', 'code'],
    ['/api/users/password/reset',  { email => $email, code => '', password => $NEW },
                                                                        'invalid_field', 'code'],
    ['/api/users/password/reset',  { email => $email, code => '1' x 300, password => $NEW },
                                                                        'invalid_field', 'code'],
    ['/api/users/password/reset',  { email => $email, code => '123456', password => 5 },
                                                                        'invalid_field', 'password'],
    ['/api/users/password/reset',  { email => $email, code => '123456', password => 'A1!' . 'a' x 300 },
                                                                        'weak_password', 'password'],
);
for my $case (@cases) {
    my ($path, $body, $ecode, $field) = @$case;
    my $x = post($path, $body, { content_type => 'application/json' });
    my $shown = json_encode($body);
    $shown = substr($shown, 0, 60) . '...' if length $shown > 60;
    error_ok($x, 400, $ecode, $field, "$path $shown: 400 $ecode $field", POST => $path);
}
$r = post('/api/users/password/forgot', '{"email":', { content_type => 'application/json' });
error_ok($r, 400, 'invalid_json', undef, 'forgot, malformed JSON: 400', POST => '/api/users/password/forgot');
$r = post('/api/users/password/forgot', '["x"]', { content_type => 'application/json' });
ok $r->{status} == 400, 'forgot, a JSON array: 400';

{
    my $s = login($email, $NEW);
    is $s->{status}, 200, 'a session for the bad bodies' or diag $s->{raw};
    my $tok = $s->{json}{accessToken};
    my @bad = (
        [{ newPassword => $NEW },                                   'missing_field', 'currentPassword'],
        [{ currentPassword => $NEW },                               'missing_field', 'newPassword'],
        [{ currentPassword => 5, newPassword => $NEW },             'invalid_field', 'currentPassword'],
        [{ currentPassword => '', newPassword => $NEW },            'invalid_field', 'currentPassword'],
        [{ currentPassword => 'x' x 9000, newPassword => $NEW },    'invalid_field', 'currentPassword'],
        [{ currentPassword => $NEW, newPassword => [$NEW] },        'invalid_field', 'newPassword'],
        [{ currentPassword => $NEW, newPassword => '' },            'weak_password', 'newPassword'],
        [{ currentPassword => $NEW, newPassword => $NEW, x => 1 },  'unknown_field', 'x'],
    );
    for my $case (@bad) {
        my ($body, $ecode, $field) = @$case;
        my $x = change($body, $tok);
        my $shown = json_encode($body);
        $shown = substr($shown, 0, 60) . '...' if length $shown > 60;
        error_ok($x, 400, $ecode, $field, "change $shown: 400 $ecode $field",
                 POST => '/api/users/password/change');
    }
}

done_testing;
