#!/usr/bin/perl
# Bad request bodies: every one is a 400 with {error: {code, message,
# field?}} (never a 5xx), and changes nothing.  Most cases go to
# PATCH /api/users/me (not rate limited); the register-only rules
# (required fields, email, password) to POST /api/users/register.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $T = JSON::PP::true;

my $reg = register_user(tag => 'badin', firstName => 'Bad', lastName => 'Input');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $tok = $reg->{access} // 'x';

sub me { my $r = api(GET => '/api/users/me', undef, { bearer => $tok }); spec_ok(GET => '/api/users/me', $r); $r }

# a test name that TAP prints on one line, in ASCII, not too long
sub printable {
    my ($s) = @_;
    $s = substr($s, 0, 90) . '...' if length $s > 90;
    $s =~ s/([^\x20-\x7e])/ord $1 > 0xff ? sprintf('\\x{%x}', ord $1) : sprintf('\\x%02x', ord $1)/ge;
    return $s;
}

# PATCH /me with a raw (string) or structured body; one test
sub patch_bad {
    my ($body, $code, $field, $name) = @_;
    my $r = api(PATCH => '/api/users/me', $body, { bearer => $tok, content_type => 'application/json' });
    $name //= 'PATCH ' . (ref $body ? json_encode($body) : "'$body'");
    $name = printable($name);
    error_ok($r, 400, $code, $field, $name . ': 400' . (defined $code ? " $code" : '')
             . (defined $field && length $field ? " ($field)" : ''), PATCH => '/api/users/me');
    return $r;
}

sub register_bad {
    my ($body, $code, $field, $name) = @_;
    my $r = auth_api(undef, POST => '/api/users/register', $body, { content_type => 'application/json' });
    $name //= 'register ' . (ref $body ? json_encode({ %$body, password => '...' }) : "'$body'");
    $name = printable($name);
    error_ok($r, 400, $code, $field, $name . ': 400' . (defined $code ? " $code" : '')
             . (defined $field && length $field ? " ($field)" : ''), POST => '/api/users/register');
    return $r;
}

my $before = me()->{json}{user};

# ---- not JSON, or not an object
patch_bad('{', 'invalid_json');
patch_bad('{"firstName":}', 'invalid_json');
patch_bad('{"firstName":"a",}', 'invalid_json', undef, 'a trailing comma');
patch_bad("{'firstName':'a'}", 'invalid_json', undef, 'single quotes');
patch_bad('{"firstName":"a"} x', 'invalid_json', undef, 'trailing garbage');
patch_bad('{"firstName":"a"}{}', 'invalid_json', undef, 'two objects');
patch_bad('nul', 'invalid_json');
patch_bad('{"firstName":"a","firstName":"b"}', 'invalid_json', undef, 'duplicate keys');
patch_bad('{"notificationPreferences":{"email":true,"email":false}}', 'invalid_json', undef, 'duplicate nested keys');
patch_bad(qq({"firstName":"\xff\xfe"}), undef, undef, 'invalid UTF-8');
patch_bad('', undef, undef, 'an empty body');
patch_bad('{"firstName":' . ('[' x 5000) . (']' x 5000) . '}', undef, undef, 'arrays nested 5000 deep');
patch_bad('{"firstName":"a\\u0000b"}', undef, undef, 'a NUL character (\\u0000)');
patch_bad('{"firstName":"\\ud800"}', undef, undef, 'a lone surrogate (\\ud800)');
patch_bad('{"firstName":"a\\u0007b"}', undef, 'firstName', 'a control character in a name');
patch_bad('{"phoneNumber":1e400}', undef, undef, 'a number out of range');
patch_bad($_, undef, undef, "not an object: $_") for ('[]', '[{"firstName":"a"}]', '"firstName"', '42', '3.5', 'null', 'true');

# ---- wrong types
patch_bad({ firstName => $_ }, 'invalid_field', 'firstName', 'firstName ' . json_encode($_))
    for (5, $T, undef, [], {});
patch_bad({ lastName => 5 }, 'invalid_field', 'lastName');
patch_bad({ phoneNumber => 15550100123 }, 'invalid_field', 'phoneNumber');
patch_bad({ phoneNumber => $T }, 'invalid_field', 'phoneNumber');
patch_bad({ notificationPreferences => 'yes' }, 'invalid_field', 'notificationPreferences');
patch_bad({ notificationPreferences => [$T] }, 'invalid_field', 'notificationPreferences');
patch_bad({ notificationPreferences => { email => 'true' } }, 'invalid_field', 'notificationPreferences.email');
patch_bad({ notificationPreferences => { sms => 1 } }, 'invalid_field', 'notificationPreferences.sms');
patch_bad({ notificationPreferences => { email => undef } }, 'invalid_field', 'notificationPreferences.email');

# ---- unknown fields
patch_bad({ nickname => 'x' }, 'unknown_field', 'nickname');
patch_bad({ FirstName => 'x' }, 'unknown_field', 'FirstName', 'field names are case-sensitive');
patch_bad({ firstName => 'Ok', password => 'Str0ng!Passw0rd#' }, 'unknown_field', 'password');

# ---- names: empty, blank, too long (characters, not bytes)
patch_bad({ firstName => '' }, undef, 'firstName', 'firstName empty');
patch_bad({ lastName => '' }, undef, 'lastName', 'lastName empty');
patch_bad({ firstName => '   ' }, undef, 'firstName', 'firstName blank');
patch_bad({ lastName => " \t\n" }, undef, 'lastName', 'lastName whitespace only');
patch_bad({ firstName => 'a' x 101 }, undef, 'firstName', 'firstName of 101 ASCII characters');
patch_bad({ lastName => "\x{e9}" x 101 }, undef, 'lastName', "lastName of 101 e-acute (202 bytes)");

# ---- phone numbers that are not E.164
patch_bad({ phoneNumber => $_ }, undef, 'phoneNumber', "phoneNumber '$_'")
    for ('12345', '+0123456789', '+1 555 0100', '', '+', '+123456', '+1555010012345678', 'abc', '+1-555-0100',
         "+15550100123\n");

is_deeply me()->{json}{user}, $before, 'no refused PATCH changed the profile';

# ---- the limits themselves are accepted
{
    my $r = api(PATCH => '/api/users/me', { firstName => "\x{e9}" x 100, lastName => 'b' x 100 }, { bearer => $tok });
    spec_ok(PATCH => '/api/users/me', $r);
    is $r->{status}, 200, "100 e-acute and 100 ASCII characters are accepted" or diag $r->{raw};
    is $r->{json}{user}{firstName}, "\x{e9}" x 100, 'and kept intact';
    $r = api(PATCH => '/api/users/me', { phoneNumber => '+123456789012345' }, { bearer => $tok });
    spec_ok(PATCH => '/api/users/me', $r);
    is $r->{status}, 200, 'a 15-digit E.164 number is accepted' or diag $r->{raw};
    $r = api(PATCH => '/api/users/me', { phoneNumber => '+1234567' }, { bearer => $tok });
    spec_ok(PATCH => '/api/users/me', $r);
    is $r->{status}, 200, 'a 7-digit E.164 number is accepted' or diag $r->{raw};
}

# ---- registration
my $tag = "badreg$$";
sub rb { new_user_body(tag => $tag, @_) }
register_bad('{"email":', 'invalid_json');
register_bad('[]', undef, undef, 'register an array');
my $dup = rb();
register_bad(qq({"email":"$dup->{email}","email":"x\@example.com","password":"$dup->{password}","firstName":"a","lastName":"b"}),
             'invalid_json', undef, 'register with a duplicate key');
for my $f (qw(email password firstName lastName)) {
    register_bad(rb($f => undef), 'missing_field', $f, "register without $f");
}
register_bad(rb(firstName => 5), 'invalid_field', 'firstName');
register_bad(rb(email => [unique_email('x')]), 'invalid_field', 'email', 'register with email an array');
register_bad(rb(role => 'admin'), 'unknown_field', 'role', 'register with an unknown field');
register_bad(rb(email => $_), undef, 'email', "register with email '$_'")
    for ('not-an-email', "$tag\@", '@example.com', "a b-$tag\@example.com", '');
register_bad(rb(email => ('a' x 243) . '@example.com'), undef, 'email', 'register with a 255-character email');
register_bad(rb(firstName => ''), undef, 'firstName', 'register with an empty firstName');
register_bad(rb(lastName => '  '), undef, 'lastName', 'register with a blank lastName');
register_bad(rb(firstName => "\x{e9}" x 101), undef, 'firstName', "register with 101 e-acute");
register_bad(rb(phoneNumber => '12345'), undef, 'phoneNumber', "register with phone '12345'");
register_bad(rb(phoneNumber => '+1 555 0100'), undef, 'phoneNumber', "register with phone '+1 555 0100'");
register_bad(rb(notificationPreferences => { email => $T }), 'unknown_field', 'notificationPreferences',
             'register does not take preferences');

my @leaked = scan_table(FilterExpression => 'begins_with(Email, :t)',
                        ExpressionAttributeValues => { ':t' => { S => lc $tag } });
is scalar @leaked, 0, 'no refused registration left a USER item' or diag explain \@leaked;

# ---- login, confirm and refresh share the body rules
for my $case (['/api/users/login', '{"email":"a@b.c",'], ['/api/users/refresh', '{"refreshToken":']) {
    my ($path, $raw) = @$case;
    my $r = auth_api(undef, POST => $path, $raw, { content_type => 'application/json' });
    error_ok($r, 400, 'invalid_json', undef, "$path with malformed JSON: 400 invalid_json", POST => $path);
}
{
    my $r = auth_api(undef, POST => '/api/users/login', '["a@b.c"]', { content_type => 'application/json' });
    error_ok($r, 400, undef, undef, 'login with an array: 400', POST => '/api/users/login');
    $r = auth_api(undef, POST => '/api/users/login',
                  '{"email":"a@b.c","password":"x","password":"y"}', { content_type => 'application/json' });
    error_ok($r, 400, 'invalid_json', undef, 'login with a duplicate key: 400 invalid_json', POST => '/api/users/login');
    $r = api(POST => '/api/users/confirm', '42', { content_type => 'application/json' });
    error_ok($r, 400, undef, undef, 'confirm with a number: 400', POST => '/api/users/confirm');
}

done_testing;
