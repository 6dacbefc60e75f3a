#!/usr/bin/perl
# Who may call GET/PATCH /api/users/me: the module verifies access tokens
# itself (signature against the pool's JWKS, alg, kid, exp, iss,
# token_use, client id), by cookie tm_access or Authorization: Bearer.
# Forged tokens are built here; tokens "signed by Cognito" with wrong
# claims are signed with cognito-local's own key through node, next to a
# control token signed the same way that must be accepted.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $POOL = stack_env('TASKMGR_USER_POOL_ID');
my $CID  = stack_env('TASKMGR_CLIENT_ID');

my $reg = register_user(tag => 'auth');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $access = $reg->{access} // 'none.none.none';
my $idtok  = $reg->{id} // 'none.none.none';
my $other  = register_user(tag => 'auth-other');
is $other->{r}{status}, 201, 'a second user' or diag $other->{r}{raw};

# GET /me with these options must be 401 (and PATCH too when $patch)
sub refused {
    my ($opts, $what, $patch) = @_;
    my $r = api(GET => '/api/users/me', undef, $opts);
    error_ok($r, 401, undef, undef, "$what: GET /me 401", GET => '/api/users/me');
    if ($patch) {
        $r = api(PATCH => '/api/users/me', { firstName => 'Forged' }, $opts);
        error_ok($r, 401, undef, undef, "$what: PATCH /me 401", PATCH => '/api/users/me');
    }
}

sub accepted {
    my ($opts, $what) = @_;
    my $r = api(GET => '/api/users/me', undef, $opts);
    spec_ok(GET => '/api/users/me', $r);
    is $r->{status}, 200, "$what: GET /me 200" or diag $r->{raw};
    return $r;
}

# ---- the genuine token both ways
accepted({ bearer => $access }, 'the access token as bearer');
accepted({ cookies => { tm_access => $access } }, 'the access token as cookie');
{
    my $r = api(GET => '/api/users/me', undef, { headers => { Authorization => "bearer $access" } });
    spec_ok(GET => '/api/users/me', $r);
    is $r->{status}, 200, 'the scheme name is case-insensitive (bearer)';
}

# ---- nothing, or nothing usable
{
    my $r = api(GET => '/api/users/me');
    error_ok($r, 401, 'unauthorized', undef, 'no token: 401 unauthorized', GET => '/api/users/me');
    $r = api(PATCH => '/api/users/me', { firstName => 'X' });
    error_ok($r, 401, 'unauthorized', undef, 'no token, PATCH: 401 unauthorized', PATCH => '/api/users/me');
}
refused({ bearer => 'abc' }, 'a bearer that is not a JWT');
refused({ bearer => 'a.b.c' }, 'a bearer of three junk parts');
refused({ headers => { Authorization => 'Bearer ' } }, 'an empty bearer');
refused({ headers => { Authorization => "Basic " . b64url_encode('u:p') } }, 'Basic auth');
refused({ cookies => { tm_access => 'junk' } }, 'a junk tm_access cookie');
refused({ cookies => { tm_access => '' } }, 'an empty tm_access cookie');
refused({ cookies => { tm_refresh => 'x', access => $access } }, 'the token under another cookie name');

# ---- tampering with a genuine token
# used a few times first: each worker remembers the tokens it verified
# (byte for byte), and none of the variants below may pass for it
is scalar(grep { api(GET => '/api/users/me', undef, { bearer => $access })->{status} == 200 } 1 .. 8), 8,
   'the genuine token, 8 times over new connections: 200';
my ($h, $p, $input, $sig) = jwt_parts($access);
$h = { alg => "RS256", kid => "CognitoLocal", typ => "JWT" } unless ref $h eq "HASH";
$p = { exp => time + 3600 } unless ref $p eq "HASH";
$sig //= "sig";
{
    (my $flip = $sig) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e;
    refused({ bearer => "$input.$flip" }, 'a signature with its first character changed', 1);
    my $mid = int(length($sig) / 2);
    my $flip2 = $sig;
    substr($flip2, $mid, 1) = substr($sig, $mid, 1) eq 'x' ? 'y' : 'x';
    refused({ bearer => "$input.$flip2" }, 'a signature with a middle character changed');
    refused({ cookies => { tm_access => "$input.$flip" } }, 'a changed signature, as cookie');
    refused({ bearer => "$input." }, 'no signature');
    refused({ bearer => $input }, 'two parts only');
    refused({ bearer => "$access.x" }, 'four parts');

    my %p2 = (%$p, sub => ($other->{user} || {})->{id} // 'someone');
    refused({ bearer => jwt_make($h, \%p2) . ".$sig" }, "another user's sub with the original signature", 1);
    my %p3 = (%$p, exp => $p->{exp} + 86400);
    refused({ bearer => jwt_make($h, \%p3) . ".$sig" }, 'a later exp with the original signature');

    refused({ bearer => jwt_make({ %$h, alg => 'none' }, $p) . '.' }, 'alg none, no signature', 1);
    refused({ bearer => jwt_make({ %$h, alg => 'none' }, $p) . ".$sig" }, 'alg none, original signature');
    refused({ bearer => jwt_make({ alg => 'none', typ => 'JWT' }, $p) . '.' }, 'alg none, no kid');
    refused({ bearer => jwt_make({ %$h, kid => 'SomeOtherKey' }, $p) . ".$sig" }, 'an unknown kid');
    refused({ bearer => jwt_make({ %$h, kid => undef }, $p) . ".$sig" }, 'kid null');
    my %nokid = %$h; delete $nokid{kid};
    refused({ bearer => jwt_make(\%nokid, $p) . ".$sig" }, 'no kid');

    # HS256 keyed with the public JWKS (the RS/HS confusion)
    my $jwks = api(GET => stack_env('TASKMGR_COGNITO_URL') . "/$POOL/.well-known/jwks.json");
    for my $secret ($jwks->{raw}, ($jwks->{json}{keys}[0]{n} // 'n')) {
        my $in = jwt_make({ %$h, alg => 'HS256' }, $p);
        my $mac = b64url_encode(Digest::SHA::hmac_sha256($in, $secret));
        refused({ bearer => "$in.$mac" }, 'HS256 keyed with the public key material');
    }
}

# ---- an id token is not an access token
refused({ bearer => $idtok }, 'the id token as bearer', 1);
refused({ cookies => { tm_access => $idtok } }, 'the id token as cookie');

# ---- signed with cognito-local's real key: only the claims differ
SKIP: {
    skip 'node or cognito-local signing key not available', 13 unless have_node();
    my $now = time;
    my $ok = sign_jwt($h, $p);
    accepted({ bearer => $ok }, 'control: the same claims re-signed with the pool key');

    refused({ bearer => sign_jwt($h, { %$p, iat => $now - 7200, auth_time => $now - 7200, exp => $now - 3600 }) },
            'expired an hour ago', 1);
    refused({ bearer => sign_jwt($h, { %$p, exp => $now - 600 }) }, 'expired ten minutes ago');
    my %noexp = %$p; delete $noexp{exp};
    refused({ bearer => sign_jwt($h, \%noexp) }, 'no exp claim');
    refused({ bearer => sign_jwt($h, { %$p, iss => 'http://127.0.0.1:1/local_other' }) }, 'another issuer');
    refused({ bearer => sign_jwt($h, { %$p, iss => $p->{iss} . 'x' }) }, 'an issuer with a suffix');
    refused({ bearer => sign_jwt($h, { %$p, client_id => 'someotherclient' }) }, 'another app client');
    refused({ bearer => sign_jwt($h, { %$p, token_use => 'id' }) }, 'token_use id');
    my %nouse = %$p; delete $nouse{token_use};
    refused({ bearer => sign_jwt($h, \%nouse) }, 'no token_use');
    refused({ bearer => sign_jwt($h, $p, key => 'fresh') }, 'the right kid, signed by another RSA key', 1);
    refused({ bearer => sign_jwt({ %$h, alg => 'RS512' }, $p) }, 'alg RS512 in the header over an RS256 signature');
    refused({ bearer => sign_jwt({ %$h, kid => 'Other' }, $p) }, 'signed by the pool key under another kid');
}

# ---- a token from another user pool (cognito-local signs every pool
# with the same key, so only iss tells them apart)
{
    my $np = cognito(CreateUserPool => { PoolName => "taskmgr-other-$$-" . time,
                                         UsernameAttributes => ['email'] });
    my $pid = ($np->{json}{UserPool} || {})->{Id};
    my $nc = $pid ? cognito(CreateUserPoolClient => { UserPoolId => $pid, ClientName => 'other' }) : {};
    my $ncid = (($nc->{json} || {})->{UserPoolClient} || {})->{ClientId};
    my $e = unique_email('otherpool');
    my $t;
    if ($ncid) {
        cognito(SignUp => { ClientId => $ncid, Username => $e, Password => strong_password(),
                            UserAttributes => [{ Name => 'email', Value => $e }] });
        cognito(AdminConfirmSignUp => { UserPoolId => $pid, Username => $e });
        my $a = cognito(InitiateAuth => { ClientId => $ncid, AuthFlow => 'USER_PASSWORD_AUTH',
                                          AuthParameters => { USERNAME => $e, PASSWORD => strong_password() } });
        $t = (($a->{json} || {})->{AuthenticationResult} || {})->{AccessToken};
    }
  SKIP: {
        skip "could not get a token from a second pool: $np->{raw}", 3 unless $t;
        my (undef, $op) = jwt_parts($t);
        isnt $op->{iss}, $p->{iss}, 'the other pool has another issuer';
        refused({ bearer => $t }, 'an access token of another user pool', 1);
    }

    # another app client of our own pool
    my $oc = cognito(CreateUserPoolClient => { UserPoolId => $POOL, ClientName => "other-$$" });
    my $ocid = (($oc->{json} || {})->{UserPoolClient} || {})->{ClientId};
    my $a = $ocid ? cognito(InitiateAuth => { ClientId => $ocid, AuthFlow => 'USER_PASSWORD_AUTH',
                                              AuthParameters => { USERNAME => $reg->{email},
                                                                  PASSWORD => $reg->{password} } }) : {};
    my $ct = (($a->{json} || {})->{AuthenticationResult} || {})->{AccessToken};
  SKIP: {
        skip 'could not get a token from another app client', 1 unless $ct;
        refused({ bearer => $ct }, 'an access token of another app client of our pool');
    }
}

# ---- the refused requests changed nothing
{
    my $r = accepted({ bearer => $access }, 'the genuine token still works');
    is $r->{json}{user}{firstName}, $reg->{user}{firstName}, 'no forged PATCH went through';
    my $o = accepted({ bearer => $other->{access} // 'none' }, "the other user's token");
    is $o->{json}{user}{firstName}, $other->{user}{firstName}, "the other user's name untouched";
}

done_testing;
