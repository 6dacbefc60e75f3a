#!/usr/bin/perl
# GET and PATCH /api/users/me: the profile, what may change, the rules
# between phone number and SMS, and that DynamoDB follows.
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

my $T = JSON::PP::true;
my $F = JSON::PP::false;

my $reg = register_user(tag => 'me', firstName => 'Maria', lastName => 'Me');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $tok = $reg->{access};
my $u0  = $reg->{user} || {};

sub me_get {
    my ($opts) = @_;
    my $r = api(GET => '/api/users/me', undef, $opts // { bearer => $tok });
    spec_ok(GET => '/api/users/me', $r);
    return $r;
}

sub me_patch {
    my ($body, $opts) = @_;
    my $r = api(PATCH => '/api/users/me', $body, $opts // { bearer => $tok });
    spec_ok(PATCH => '/api/users/me', $r);
    return $r;
}

sub item { user_item($u0->{id} // 'none') || {} }

# ---- GET, by bearer and by cookie
my $r = me_get();
is $r->{status}, 200, 'GET /me by bearer';
is_deeply $r->{json}, { user => $u0 }, 'the user the registration returned' or diag explain $r->{json};
$r = $reg->{client}->api(GET => '/api/users/me');
spec_ok(GET => '/api/users/me', $r);
is $r->{status}, 200, 'GET /me by cookie';
is $r->{json}{user}{id}, $u0->{id}, 'same user by cookie';
like $r->{headers}{'cache-control'} // '', qr/no-store/, 'the profile is not cached';

# ---- names
Time::HiRes::sleep(1.1);    # second precision: let updatedAt move
$r = me_patch({ firstName => 'Bob' });
is $r->{status}, 200, 'PATCH firstName' or diag $r->{raw};
my $u = $r->{json}{user} || {};
is $u->{firstName}, 'Bob', 'firstName changed';
is $u->{lastName}, 'Me', 'lastName untouched';
is $u->{email}, $u0->{email}, 'email untouched';
is $u->{createdAt}, $u0->{createdAt}, 'createdAt untouched';
ok(($u->{updatedAt} // '') gt $u0->{updatedAt}, 'updatedAt moved forward')
    or diag "before $u0->{updatedAt}, after $u->{updatedAt}";
is item()->{FirstName}{S}, 'Bob', 'FirstName in DynamoDB';
is item()->{UpdatedAt}{S}, $u->{updatedAt}, 'UpdatedAt in DynamoDB';
is item()->{CreatedAt}{S}, $u0->{createdAt}, 'CreatedAt in DynamoDB untouched';
is_deeply me_get()->{json}{user}, $u, 'GET /me shows what PATCH answered';

$r = me_patch({ firstName => "Zo\x{eb}", lastName => "\x{5c71}\x{7530}" });
is $r->{status}, 200, 'PATCH non-ASCII names' or diag $r->{raw};
is $r->{json}{user}{firstName}, "Zo\x{eb}", 'firstName round-trips (UTF-8)';
is $r->{json}{user}{lastName}, "\x{5c71}\x{7530}", 'lastName round-trips (UTF-8)';
is item()->{LastName}{S}, "\x{5c71}\x{7530}", 'and is stored as such';

# ---- phone number and preferences
$r = me_patch({ notificationPreferences => { sms => $T } });
error_ok($r, 400, undef, 'notificationPreferences.sms', 'sms on without a phone number: 400',
         PATCH => '/api/users/me');
ok !item()->{NotificationPreferences}{M}{sms}{BOOL}, 'sms still off in DynamoDB';

$r = me_patch({ phoneNumber => '+447700900123' });
is $r->{status}, 200, 'PATCH phoneNumber' or diag $r->{raw};
is $r->{json}{user}{phoneNumber}, '+447700900123', 'phoneNumber set';
is item()->{PhoneNumber}{S}, '+447700900123', 'PhoneNumber in DynamoDB';

$r = me_patch({ notificationPreferences => { email => $T } });
is $r->{status}, 200, 'PATCH notificationPreferences.email' or diag $r->{raw};
is_deeply $r->{json}{user}{notificationPreferences}, { email => $T, sms => $F, completedEmail => $F, completedSms => $F },
    'email on, sms left as it was; completions in-app only by default';
is_deeply item()->{NotificationPreferences}, { M => { email => { BOOL => $T }, sms => { BOOL => $F } } },
    'NotificationPreferences in DynamoDB';

$r = me_patch({ notificationPreferences => { sms => $T } });
is $r->{status}, 200, 'sms on with a phone number' or diag $r->{raw};
is_deeply $r->{json}{user}{notificationPreferences}, { email => $T, sms => $T, completedEmail => $F, completedSms => $F },
    'both on';

my $before = item();
$r = me_patch({ phoneNumber => undef });
error_ok($r, 400, undef, 'notificationPreferences.sms', 'clearing the phone while sms is on: 400',
         PATCH => '/api/users/me');
is item()->{PhoneNumber}{S}, '+447700900123', 'phone kept';
is item()->{UpdatedAt}{S}, $before->{UpdatedAt}{S}, 'a refused PATCH writes nothing';

$r = me_patch({ phoneNumber => undef, notificationPreferences => { sms => $F } });
is $r->{status}, 200, 'clearing the phone and sms together' or diag $r->{raw};
is $r->{json}{user}{phoneNumber}, undef, 'phoneNumber null';
ok exists $r->{json}{user}{phoneNumber}, 'phoneNumber present as null';
is_deeply $r->{json}{user}{notificationPreferences}, { email => $T, sms => $F, completedEmail => $F, completedSms => $F },
    'sms off, email kept';
ok !exists item()->{PhoneNumber}, 'PhoneNumber attribute removed' or diag explain item()->{PhoneNumber};

$r = me_patch({ phoneNumber => '+15550100999', notificationPreferences => { sms => $T, email => $F } });
is $r->{status}, 200, 'phone and sms on in one PATCH' or diag $r->{raw};
is_deeply [$r->{json}{user}{phoneNumber}, $r->{json}{user}{notificationPreferences}],
    ['+15550100999', { email => $F, sms => $T, completedEmail => $F, completedSms => $F }], 'both applied';

# ---- what may not change
my $state = me_get()->{json}{user};
$r = me_patch({ email => 'someone-else@example.com' });
error_ok($r, 400, 'unknown_field', 'email', 'email is not changeable: 400 unknown_field email',
         PATCH => '/api/users/me');
$r = me_patch({ firstName => 'Eve', email => 'someone-else@example.com' });
error_ok($r, 400, 'unknown_field', 'email', 'not even with another field', PATCH => '/api/users/me');
for my $f (qw(id createdAt updatedAt lastLogin)) {
    $r = me_patch({ $f => 'x' });
    error_ok($r, 400, 'unknown_field', $f, "$f is not changeable", PATCH => '/api/users/me');
}
$r = me_patch({});
error_ok($r, 400, 'empty_patch', undef, 'an empty object: 400 empty_patch', PATCH => '/api/users/me');
$r = me_patch({ notificationPreferences => {} });
error_ok($r, 400, undef, undef, 'empty notificationPreferences: 400', PATCH => '/api/users/me');
$r = me_patch({ notificationPreferences => { push => $T } });
error_ok($r, 400, 'unknown_field', undef, 'an unknown preference: 400 unknown_field', PATCH => '/api/users/me');
is_deeply me_get()->{json}{user}, $state, 'nothing changed by the refused PATCHes';
is item()->{Email}{S}, $u0->{email}, 'Email in DynamoDB untouched';

# ---- PATCH by cookie (with X-Requested-With)
$r = $reg->{client}->api(PATCH => '/api/users/me', { lastName => 'Cookie' });
spec_ok(PATCH => '/api/users/me', $r);
is $r->{status}, 200, 'PATCH by cookie with X-Requested-With';
is $r->{json}{user}{lastName}, 'Cookie', 'applied';

# ---- the final state matches DynamoDB field by field
{
    my $me = me_get()->{json}{user} || {};
    my $it = item();
    is_deeply {
        id => $me->{id}, email => $me->{email}, firstName => $me->{firstName},
        lastName => $me->{lastName}, phoneNumber => $me->{phoneNumber},
        notificationPreferences => $me->{notificationPreferences},
        createdAt => $me->{createdAt}, updatedAt => $me->{updatedAt},
    }, {
        id => ($it->{EntityPartition}{S} // '') =~ s/^USER_//r, email => $it->{Email}{S},
        firstName => $it->{FirstName}{S}, lastName => $it->{LastName}{S},
        phoneNumber => $it->{PhoneNumber}{S},
        notificationPreferences => { email => $it->{NotificationPreferences}{M}{email}{BOOL},
                                     sms   => $it->{NotificationPreferences}{M}{sms}{BOOL},
                                     completedEmail => $F, completedSms => $F },
        createdAt => $it->{CreatedAt}{S}, updatedAt => $it->{UpdatedAt}{S},
    }, 'GET /me is the USER item';
    is_deeply [grep { /pass/i } keys %$it], [], 'still no password attribute';
}

# ---- a valid session whose user has no USER item: 404, not a crash
{
    my $e = unique_email('itemless');
    my $pool = stack_env('TASKMGR_USER_POOL_ID');
    my $cid  = stack_env('TASKMGR_CLIENT_ID');
    cognito(SignUp => { ClientId => $cid, Username => $e, Password => strong_password(),
                        UserAttributes => [{ Name => 'email', Value => $e }] });
    cognito(AdminConfirmSignUp => { UserPoolId => $pool, Username => $e });
    my $a = cognito(InitiateAuth => { ClientId => $cid, AuthFlow => 'USER_PASSWORD_AUTH',
                                      AuthParameters => { USERNAME => $e, PASSWORD => strong_password() } });
    my $t = $a->{json}{AuthenticationResult}{AccessToken};
  SKIP: {
        skip "cognito-local gave no token: $a->{raw}", 2 unless $t;
        my $x = me_get({ bearer => $t });
        error_ok($x, 404, 'not_found', undef, 'GET /me of a user without a USER item: 404 not_found',
                 GET => '/api/users/me');
        $x = me_patch({ firstName => 'Ghost' }, { bearer => $t });
        error_ok($x, 404, 'not_found', undef, 'PATCH /me of a user without a USER item: 404 not_found',
                 PATCH => '/api/users/me');
    }
}

done_testing;
