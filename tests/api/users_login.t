#!/usr/bin/perl
# POST /api/users/login: the session it opens, LastLogin, wrong
# credentials, and the request body it accepts.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $TS = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

my $reg = register_user(tag => 'login', firstName => 'Lena', lastName => 'Login');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $u0 = $reg->{user} || {};
my $email = $reg->{email};

sub login {
    my ($body, $client, $opts) = @_;
    my $r = auth_api($client, POST => '/api/users/login', $body, $opts);
    return $r;
}

Time::HiRes::sleep(1.1);    # timestamps have second precision

# ---- a good login, email in another case
my $c = TaskmgrStack::Client->new;
my $r = login({ email => uc $email, password => $reg->{password} }, $c);
spec_ok(POST => '/api/users/login', $r);
is $r->{status}, 200, 'login answers 200' or diag $r->{raw};
my $u1 = $r->{json}{user} || {};

subtest 'the session' => sub {
    is $u1->{id}, $u0->{id}, 'the same user';
    is $u1->{email}, $email, 'email lower-case';
    is $u1->{$_}, $u0->{$_}, "$_ unchanged" for qw(firstName lastName createdAt);
    is_deeply $u1->{notificationPreferences}, $u0->{notificationPreferences}, 'preferences unchanged';
    like $u1->{lastLogin} // '', $TS, 'lastLogin is set';
    ok !defined $u0->{lastLogin} || ($u1->{lastLogin} // '') gt $u0->{lastLogin},
        'lastLogin later than at registration'
        or diag "registration $u0->{lastLogin}, login $u1->{lastLogin}";
    ok(($u1->{lastLogin} // '') ge $u0->{createdAt}, 'lastLogin not before createdAt');
    my (undef, $ap) = jwt_parts($r->{json}{accessToken});
    is $ap->{sub}, $u0->{id}, 'the access token is for this user';
    is $ap->{token_use}, 'access', 'an access token';
    my (undef, $ip) = jwt_parts($r->{json}{idToken});
    is $ip->{token_use}, 'id', 'an id token';
    ok(($r->{json}{expiresIn} // 0) > 0, 'expiresIn positive');
    is $c->cookie('tm_access'), $r->{json}{accessToken}, 'tm_access cookie holds the access token';
    ok length($c->cookie('tm_refresh') // ''), 'tm_refresh cookie set';
    is +($c->cookie_attrs('tm_access') || {})->{path}, '/api', 'tm_access Path=/api';
    is +($c->cookie_attrs('tm_refresh') || {})->{path}, '/api/users', 'tm_refresh Path=/api/users';
    for my $n (qw(tm_access tm_refresh)) {
        my $line = cookie_line($r, $n) // '';
        like $line, qr/;\s*HttpOnly(?:;|$)/i, "$n HttpOnly";
        like $line, qr/;\s*SameSite=Strict(?:;|$)/i, "$n SameSite=Strict";
    }
    my $item = user_item($u0->{id}) || {};
    is $item->{LastLogin}{S}, $u1->{lastLogin}, 'LastLogin stored in DynamoDB';
};

my $me = $c->api(GET => '/api/users/me');
spec_ok(GET => '/api/users/me', $me);
is $me->{status}, 200, 'the login cookie opens /api/users/me';
is $me->{json}{user}{lastLogin}, $u1->{lastLogin}, 'GET /me shows the new lastLogin';

# ---- a second login moves LastLogin again
Time::HiRes::sleep(1.1);
$r = login({ email => $email, password => $reg->{password} });
spec_ok(POST => '/api/users/login', $r);
is $r->{status}, 200, 'second login';
my $u2 = $r->{json}{user} || {};
ok(($u2->{lastLogin} // '') gt ($u1->{lastLogin} // '~'), 'lastLogin moved forward')
    or diag "first $u1->{lastLogin}, second $u2->{lastLogin}";
is +(user_item($u0->{id}) || {})->{LastLogin}{S}, $u2->{lastLogin}, 'and in DynamoDB';
isnt $r->{json}{accessToken}, $c->cookie('tm_access'), 'a new access token per login';
{
    my $m = $c->api(GET => '/api/users/me');
    spec_ok(GET => '/api/users/me', $m);
    is $m->{status}, 200, 'the first session still works after another login';
}

# ---- wrong credentials: 401, one message for both, no cookies, nothing stored
my $last = (user_item($u0->{id}) || {})->{LastLogin}{S};
my $bad = login({ email => $email, password => $reg->{password} . 'x' });
error_ok($bad, 401, 'invalid_credentials', undef, 'wrong password: 401 invalid_credentials',
         POST => '/api/users/login');
my $unknown = login({ email => unique_email('nobody'), password => strong_password() });
error_ok($unknown, 401, 'invalid_credentials', undef, 'unknown email: 401 invalid_credentials',
         POST => '/api/users/login');
is $unknown->{json}{error}{message}, $bad->{json}{error}{message},
    'the same message for a wrong password and an unknown email';
is_deeply [set_cookie_lines($bad), set_cookie_lines($unknown)], [], 'no Set-Cookie on a failed login';
my $case = login({ email => $email, password => lc $reg->{password} });
error_ok($case, 401, 'invalid_credentials', undef, 'password is case-sensitive', POST => '/api/users/login');
is +(user_item($u0->{id}) || {})->{LastLogin}{S}, $last, 'failed logins leave LastLogin alone';

# ---- an account that is not confirmed yet cannot log in
{
    my $e = unique_email('unconfirmed');
    my $su = cognito(SignUp => { ClientId => stack_env('TASKMGR_CLIENT_ID'), Username => $e,
                                 Password => strong_password(),
                                 UserAttributes => [{ Name => 'email', Value => $e }] });
    is $su->{status}, 200, 'an unconfirmed account in the pool' or diag $su->{raw};
    my $x = login({ email => $e, password => strong_password() });
    spec_ok(POST => '/api/users/login', $x);
    ok $x->{status} >= 400 && $x->{status} < 500, 'unconfirmed: refused with a 4xx'
        or diag "$x->{status} $x->{raw}";
    ok !defined cookie_line($x, 'tm_access'), 'and no session cookie';
}

# ---- the body
my @cases = (
    [{ email => $email },                                   'missing_field', 'password'],
    [{ password => $reg->{password} },                      'missing_field', 'email'],
    [{ email => 5, password => $reg->{password} },          'invalid_field', 'email'],
    [{ email => $email, password => ['x'] },                'invalid_field', 'password'],
    [{ email => $email, password => $reg->{password}, remember => 1 }, 'unknown_field', 'remember'],
);
for my $case (@cases) {
    my ($body, $code, $field) = @$case;
    my $x = login($body);
    error_ok($x, 400, $code, $field, "login body " . json_encode($body) . ": 400 $code $field",
             POST => '/api/users/login');
}

done_testing;
