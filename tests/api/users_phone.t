#!/usr/bin/perl
# Phone verification: POST /api/users/me/phone/verify sends a code (to the
# SMS outbox through the scheduler: the code is in the line's text),
# /confirm {code} verifies the number.  A wrong, expired or used code is
# 400 invalid_code; changing or clearing the number makes it unverified
# again; one user's code does nothing for another; no number is a clear
# 400; the codes sent are limited to 3 an hour; bad input is 4xx, never
# 5xx.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use TaskmgrScheduler qw(run_once sms_lines unique_phone ddb_ok);
use ApiTest qw(:all);
use ApiCalls qw(:all);

my $T = JSON::PP::true;
my $F = JSON::PP::false;

my $A = new_user('phone-a');
my $B = new_user('phone-b');

sub code_item {
    my ($u) = @_;
    my $j = ddb_ok(GetItem => {
        TableName => stack_env('TASKMGR_TABLE'), ConsistentRead => $T,
        Key => { EntityPartition => { S => "USER_$u->{uid}" },
                 EntitySort      => { S => 'PHONECODE' } },
    });
    return $j->{Item} || {};
}

# the codes are counted by the hour: every verify at the test's start (the
# test clock of taskmgr_test_faults), so that no hour ends mid-test
my $T0 = time;
sub verify {
    as($_[0], POST => '/api/users/me/phone/verify', undef,
       { headers => { 'X-Taskmgr-Now' => $T0 } });
}
sub confirm { as($_[0], POST => '/api/users/me/phone/confirm', { code => "$_[1]" }, $_[2]) }

sub is_invalid_code {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is $r->{status}, 400, "$name: 400";
    is $r->{json}{error}{code}, 'invalid_code', "$name: invalid_code";
}

# a wrong code that is surely not the one sent
sub wrong_code { sprintf '%06d', (($_[0] // 0) + 1) % 1_000_000 }

# ---- a new user: no number, not verified
my $r = as($A, GET => '/api/users/me');
is $r->{json}{user}{phoneVerified}, $F, 'phoneVerified false without a number';

$r = verify($A);
is $r->{status}, 400, 'verify without a number: 400';
is $r->{json}{error}{code}, 'no_phone_number', 'no_phone_number';
is $r->{json}{error}{field}, 'phoneNumber', 'field phoneNumber';

# ---- set a number: not verified; the code goes through the SMS outbox
my $phone = unique_phone();
$r = as($A, PATCH => '/api/users/me', { phoneNumber => $phone,
                                         notificationPreferences => { sms => $T } });
is $r->{status}, 200, 'a number set';
is $r->{json}{user}{phoneVerified}, $F, 'not verified';

$r = verify($A);
is $r->{status}, 202, 'verify: 202' or diag $r->{raw};
is $r->{json}{accepted}, $T, 'accepted';
my $item = code_item($A);
ok $item->{CodeHash}{S}, 'the code is stored hashed';
isnt $item->{CodeHash}{S}, $item->{SmsCode}{S}, 'not as it is';
is $item->{CodeNumber}{S}, $phone, 'for the number';
ok $item->{OutboxShard}{S}, 'in the outbox';

my $run = run_once();
is $run->{rc}, 0, 'a scheduler pass' or diag $run->{err};
my @l = sms_lines(to => $phone);
is scalar(@l), 1, 'one SMS to the number being verified';
my ($code) = ($l[0]{text} // '') =~ /code is (\d{6})/;
ok $code, 'it holds a 6-digit code' or diag explain \@l;
$item = code_item($A);
ok !exists $item->{SmsCode}, 'the code in clear is gone once sent';
ok !exists $item->{OutboxShard}, 'out of the outbox';
is $item->{DeliverySms}{S}, 'sent', 'recorded sent';

# ---- a wrong code, then another user's attempt, then the right one
is_invalid_code(confirm($A, wrong_code($code)), 'a wrong code');
is code_item($A)->{CodeAttempts}{N}, 1, 'one wrong try counted';

# B has no code: A's code does nothing for B, nor to A
is_invalid_code(confirm($B, $code), "A's code from B");
is user_item($B->{uid})->{PhoneVerified}, undef, 'B not verified';
is user_item($A->{uid})->{PhoneVerified}, undef, 'A not verified by B';

$r = confirm($A, $code);
is $r->{status}, 200, 'the right code: 200' or diag $r->{raw};
is $r->{json}{user}{phoneVerified}, $T, 'phoneVerified true';
is $r->{json}{user}{phoneNumber}, $phone, 'that number';
is as($A, GET => '/api/users/me')->{json}{user}{phoneVerified}, $T, 'GET says so';

is_invalid_code(confirm($A, $code), 'the code again (used)');

$r = verify($A);
is $r->{status}, 409, 'verify a verified number: 409';
is $r->{json}{error}{code}, 'already_verified', 'already_verified';

# ---- a PATCH of other fields keeps it; changing the number resets it
$r = as($A, PATCH => '/api/users/me', { firstName => 'Phoebe' });
is $r->{json}{user}{phoneVerified}, $T, 'a PATCH of the name keeps it';

my $phone2 = unique_phone();
$r = as($A, PATCH => '/api/users/me', { phoneNumber => $phone2 });
is $r->{status}, 200, 'a new number';
is $r->{json}{user}{phoneVerified}, $F, 'a changed number is not verified';
is user_item($A->{uid})->{PhoneVerified}, undef, 'nor in the item';

# a code for the new number, then the number changes again: the code is
# for a number the profile no longer has
$r = verify($A);
is $r->{status}, 202, 'a code for the new number';
run_once();
($code) = ((sms_lines(to => $phone2))[0]{text} // '') =~ /code is (\d{6})/;
ok $code, 'sent to the new number';
$r = as($A, PATCH => '/api/users/me', { phoneNumber => unique_phone() });
is_invalid_code(confirm($A, $code), 'a code for a number changed since');
is as($A, GET => '/api/users/me')->{json}{user}{phoneVerified}, $F, 'still not verified';

# clearing the number clears the verification
$r = as($A, PATCH => '/api/users/me', { phoneNumber => $phone2 });
verify($A);
my $pending = code_item($A)->{SmsCode}{S};
ok $pending, 'a third code this hour (read from the item)';
is confirm($A, $pending)->{status}, 200, 'verified';
$r = as($A, PATCH => '/api/users/me', { phoneNumber => undef,
                                         notificationPreferences => { sms => $F } });
is $r->{status}, 200, 'the number cleared' or diag $r->{raw};
is $r->{json}{user}{phoneVerified}, $F, 'not verified without a number';
is user_item($A->{uid})->{PhoneVerified}, undef, 'nor in the item';

# ---- at most 3 codes an hour: A has had 3
as($A, PATCH => '/api/users/me', { phoneNumber => unique_phone() });
$r = verify($A);
is $r->{status}, 429, 'a 4th code within the hour: 429';
is $r->{json}{error}{code}, 'too_many_codes', 'too_many_codes';
ok $r->{headers}{'retry-after'} && $r->{headers}{'retry-after'} <= 3600, 'Retry-After';

# ---- expiry: the code of B, confirmed after its 10 minutes (the test
# clock of taskmgr_test_faults)
as($B, PATCH => '/api/users/me', { phoneNumber => unique_phone() });
is verify($B)->{status}, 202, "B's code";
$pending = code_item($B)->{SmsCode}{S};
is_invalid_code(confirm($B, $pending, { headers => { 'X-Taskmgr-Now' => $T0 + 601 } }),
                'an expired code');
$r = confirm($B, $pending);
is $r->{status}, 200, 'in time: 200' or diag $r->{raw};

# ---- 5 wrong codes: the code is dead
my $C = new_user('phone-c');
as($C, PATCH => '/api/users/me', { phoneNumber => unique_phone() });
verify($C);
$pending = code_item($C)->{SmsCode}{S};
is_invalid_code(confirm($C, wrong_code($pending + $_)), "wrong code $_") for 0 .. 4;
$r = confirm($C, $pending);
is_invalid_code($r, 'the right code after 5 wrong ones');
like $r->{json}{error}{message}, qr/new one/, 'asks for a new one';

# ---- bad input: 4xx, never 5xx
for my $case (
    [ 'no body',         undef,                      400 ],
    [ 'not JSON',        'code=1',                   415, 'text/plain' ],
    [ 'broken JSON',     '{"code":',                 400 ],
    [ 'an array',        '[]',                       400 ],
    [ 'code missing',    {},                         400 ],
    [ 'code a number',   { code => 123456 },         400 ],
    [ 'code null',       { code => undef },          400 ],
    [ 'code empty',      { code => '' },             400 ],
    [ 'code too long',   { code => '1' x 17 },       400 ],
    [ 'code with space', { code => '12 456' },       400 ],
    [ 'unknown field',   { code => '123456', x => 1 }, 400 ],
) {
    my ($name, $body, $want, $ct) = @$case;
    $r = as($C, POST => '/api/users/me/phone/confirm', $body,
            { content_type => $ct // 'application/json' });
    is $r->{status}, $want, "confirm, $name: $want" or diag $r->{raw};
    ok $r->{json}{error}{code}, "confirm, $name: a JSON error";
}

$r = as($C, POST => '/api/users/me/phone/verify', { x => 1 });
is $r->{status}, 400, 'verify with an unknown field: 400';
$r = as($C, POST => '/api/users/me/phone/verify', '{}',
        { content_type => 'application/json' });
ok $r->{status} == 202 || $r->{status} == 429, 'verify with {}: accepted'
    or diag $r->{raw};

# no session, no CSRF header
$r = call(POST => '/api/users/me/phone/verify');
is $r->{status}, 401, 'verify without a session: 401';
$r = call(POST => '/api/users/me/phone/confirm', { code => '123456' });
is $r->{status}, 401, 'confirm without a session: 401';
$r = as($C, POST => '/api/users/me/phone/confirm', { code => '123456' }, { xhr => 0,
                                                                     bearer => undef });
ok $r->{status} >= 400 && $r->{status} < 500, 'no CSRF header, no bearer: 4xx';

done_testing;
