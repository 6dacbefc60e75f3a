package ApiTest;

# Shared helpers of the API test files (tests/api/*.t), on top of
# TaskmgrStack (HTTP, stand-ins) and TaskmgrSpec (the OpenAPI check).
#
#   use FindBin; use lib "$FindBin::Bin/lib";
#   use ApiTest qw(:all);
#
# Registration and login are rate limited per client address; auth_api()
# waits and retries when the limiter answers 429, so that only
# zz_rate_limit.t sees 429s.  Everything else is a thin wrapper.

use strict;
use warnings;

use Exporter 'import';
use File::Temp ();
use IPC::Open3 ();
use MIME::Base64 ();
use Symbol ();
use Time::HiRes ();
use Test::More ();

use TaskmgrStack qw(:all);

our @EXPORT_OK = qw(
    auth_api register_user new_user_body user_item users_with_email
    b64url_encode b64url_decode jwt_parts jwt_make sign_jwt have_node
    set_cookie_lines cookie_line scan_table cognito_db_user confirmation_code
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);


# api() (or $client->api() when CLIENT is given) for register/login:
# a 429 from the limiter is waited out (Retry-After, at most 3 s) and the
# request sent again, up to 5 times.
sub auth_api {
    my ($client, $method, $path, $body, $opts) = @_;
    my $r;
    for my $try (1 .. 6) {
        $r = $client ? $client->api($method, $path, $body, $opts)
                     : api($method, $path, $body, $opts);
        last unless $r->{status} == 429;
        my $wait = $r->{headers}{'retry-after'} // 1;
        $wait = 1 unless $wait =~ /^\d+$/ && $wait > 0;
        $wait = 3 if $wait > 3;
        Test::More::note("rate limited on $path, waiting ${wait}s (try $try)");
        Time::HiRes::sleep($wait);
    }
    return $r;
}


sub new_user_body {
    my (%over) = @_;
    my %b = (
        email     => unique_email($over{tag} // 'user'),
        password  => strong_password(),
        firstName => 'Test',
        lastName  => 'User',
    );
    delete $over{tag};
    $b{$_} = $over{$_} for keys %over;
    delete $b{$_} for grep { !defined $b{$_} && $_ ne 'phoneNumber' } keys %b;
    return \%b;
}


# Registers a fresh user through the API with a new cookie-keeping client.
# Returns {client, r, body, email, password, user, access, id}; r is the
# raw response (check it: this does not test anything by itself).
sub register_user {
    my (%over) = @_;
    my $body = new_user_body(%over);
    my $c = TaskmgrStack::Client->new;
    my $r = auth_api($c, POST => '/api/users/register', $body);
    my $j = ref $r->{json} eq 'HASH' ? $r->{json} : {};
    return {
        client   => $c,
        r        => $r,
        body     => $body,
        email    => lc $body->{email},
        password => $body->{password},
        user     => $j->{user},
        access   => $j->{accessToken},
        id       => $j->{idToken},
    };
}


# The USER item of this user id, read consistently; undef if none.
sub user_item {
    my ($uid) = @_;
    my $key = "USER_$uid";
    my $r = dynamodb(GetItem => {
        TableName      => stack_env('TASKMGR_TABLE'),
        Key            => { EntityPartition => { S => $key }, EntitySort => { S => $key } },
        ConsistentRead => JSON::PP::true(),
    });
    die "GetItem failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $r->{json}{Item};
}


# Every item of the table (all pages), optionally filtered.
sub scan_table {
    my (%args) = @_;
    my (@items, $start);
    do {
        my $r = dynamodb(Scan => {
            TableName      => stack_env('TASKMGR_TABLE'),
            ConsistentRead => JSON::PP::true(),
            %args,
            ($start ? (ExclusiveStartKey => $start) : ()),
        });
        die "Scan failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
        push @items, @{ $r->{json}{Items} || [] };
        $start = $r->{json}{LastEvaluatedKey};
    } while ($start);
    return @items;
}


# USER items (EntitySort USER_*) whose Email is this address.
sub users_with_email {
    my ($email) = @_;
    return scan_table(
        FilterExpression          => 'Email = :e AND begins_with(EntitySort, :u)',
        ExpressionAttributeValues => { ':e' => { S => $email }, ':u' => { S => 'USER_' } },
    );
}


sub b64url_encode {
    my $s = MIME::Base64::encode_base64($_[0], '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}


sub b64url_decode {
    my $s = $_[0];
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return MIME::Base64::decode_base64($s);
}


# (header hashref, payload hashref, signing input, signature b64url)
sub jwt_parts {
    my ($token) = @_;
    my ($h, $p, $s) = split /\./, $token // '', 3;
    my $header  = eval { json_decode(b64url_decode($h // '')) };
    my $payload = eval { json_decode(b64url_decode($p // '')) };
    return ($header, $payload, "$h.$p", $s);
}


# header and payload hashes -> "h.p." (unsigned; append a signature)
sub jwt_make {
    my ($header, $payload) = @_;
    return b64url_encode(json_encode($header)) . '.' . b64url_encode(json_encode($payload));
}


my $have_node;
sub have_node {
    return $have_node if defined $have_node;
    $have_node = (system('node -e 1 >/dev/null 2>&1') == 0
                  && -f _cognito_key_file()) ? 1 : 0;
    return $have_node;
}


sub _cognito_key_file {
    require File::Basename;
    require File::Spec;
    my $root = File::Spec->rel2abs(File::Spec->catdir(File::Basename::dirname(__FILE__), '..', '..', '..'));
    return "$root/node_modules/cognito-local/lib/keys/cognitoLocal.private.json";
}


# An RS256 JWT over these header/payload hashes, signed with node's
# crypto: key => 'cognito' (cognito-local's own signing key, as its
# tokens are) or 'fresh' (an RSA key made for the occasion).
sub sign_jwt {
    my ($header, $payload, %o) = @_;
    my $which = $o{key} // 'cognito';
    my $input = jwt_make($header, $payload);
    my $js = <<'JS';
const crypto = require('crypto');
const fs = require('fs');
const [which, keyfile, input] = process.argv.slice(1);
let key;
if (which === 'cognito') {
  key = crypto.createPrivateKey({ key: JSON.parse(fs.readFileSync(keyfile, 'utf8')).jwk, format: 'jwk' });
} else {
  key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}
const sig = crypto.sign('sha256', Buffer.from(input), key);
process.stdout.write(input + '.' + sig.toString('base64url'));
JS
    my $out = '';
    my $pid = IPC::Open3::open3(my $in, my $rd, undef, 'node', '-e', $js, $which, _cognito_key_file(), $input);
    close $in;
    { local $/; $out = <$rd> // '' }
    waitpid $pid, 0;
    die "sign_jwt: node failed ($?): $out\n" if $? || $out !~ /^[\w-]+\.[\w-]+\.[\w-]+$/;
    return $out;
}


# cognito-local's own record of a user (its JSON db file), found by the
# email attribute; undef if none.  Holds UserStatus, ConfirmationCode.
sub cognito_db_user {
    my ($email) = @_;
    my $file = stack_env('TASKMGR_DATA_DIR') . '/cognito/.cognito/db/'
        . stack_env('TASKMGR_USER_POOL_ID') . '.json';
    for my $try (1 .. 20) {        # it may be half-written: read again
        my $db = eval {
            open my $fh, '<:raw', $file or die "$file: $!\n";
            local $/;
            json_decode(scalar <$fh>);
        };
        if ($db) {
            for my $u (values %{ $db->{Users} || {} }) {
                my %a = map { $_->{Name} => $_->{Value} } @{ $u->{Attributes} || [] };
                return $u if lc($a{email} // '') eq lc $email;
            }
            return undef;
        }
        Time::HiRes::sleep(0.05);
    }
    return undef;
}


# The confirmation code cognito-local holds for this email.  Its log
# (TaskmgrStack::confirmation_code_for) is written late at times, so the
# db file is asked first.
sub confirmation_code {
    my ($email) = @_;
    my $u = cognito_db_user($email);
    return $u->{ConfirmationCode} if $u && defined $u->{ConfirmationCode};
    return confirmation_code_for($email, 2);
}


# Set-Cookie lines of a response, as a list
sub set_cookie_lines {
    my ($r) = @_;
    my $sc = $r->{headers}{'set-cookie'};
    return () unless defined $sc;
    return ref $sc ? @$sc : ($sc);
}


# the Set-Cookie line for this cookie name, or undef
sub cookie_line {
    my ($r, $name) = @_;
    my @l = grep { /^\Q$name\E=/ } set_cookie_lines($r);
    return $l[-1];
}

1;
