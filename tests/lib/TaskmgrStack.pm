package TaskmgrStack;

# Helpers for the API tests (tests/api/*.t, run by scripts/test.sh api):
# talk to the running stack described by the TASKMGR_* environment that
# scripts/stack.sh writes into $DATA_DIR/run/stack.env.  Core Perl only.
#
#   use TaskmgrStack qw(:all);
#   my $r = api(POST => '/api/users/login', {email => $e, password => $p});
#   $r->{status}, $r->{headers}{'content-type'}, $r->{json}{error}{code}, $r->{raw}
#
#   my $c = TaskmgrStack::Client->new;     # keeps its own cookie jar
#   $c->api(POST => '/api/users/login', {...});
#   $c->api(GET  => '/api/users/me');      # sends the cookies it got
#
# api() options: cookies => {name => value} (or a Client's jar),
# bearer => token, headers => {...}, xhr => 0 (no X-Requested-With on
# non-GET), content_type => '...' (with a string body, sent as is).

use strict;
use warnings;

use Exporter 'import';
use HTTP::Tiny;
use JSON::PP ();
use Socket ();
use Time::HiRes ();

our @EXPORT_OK = qw(
    api base_url stack_env unique_email strong_password
    confirmation_code_for cognito dynamodb json_encode json_decode
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

sub json_encode { $JSON->encode($_[0]) }
sub json_decode { $JSON->decode($_[0]) }


sub stack_env {
    my ($name) = @_;
    my $v = $ENV{$name};
    die "$name is not set: run the API tests with scripts/test.sh api, "
        . "or source <data dir>/run/stack.env first\n"
        unless defined $v && length $v;
    return $v;
}


sub base_url { stack_env('TASKMGR_URL') }


# HTTP::Tiny writes a request's headers and body separately: with Nagle's
# algorithm on, the body waits for the server's delayed ACK (~40 ms a
# request).  Tests send many small requests, so turn Nagle off.
{
    no warnings 'redefine';
    my $connect = \&HTTP::Tiny::Handle::connect;
    *HTTP::Tiny::Handle::connect = sub {
        my $handle = $connect->(@_);
        setsockopt($handle->{fh}, Socket::IPPROTO_TCP(), Socket::TCP_NODELAY(), 1)
            or die "TCP_NODELAY: $!\n";
        return $handle;
    };
}

my $http = HTTP::Tiny->new(
    agent        => 'taskmgr-api-tests',
    timeout      => 15,
    max_redirect => 0,
    keep_alive   => 1,
);


# One request; returns {status, reason, headers, json, raw}.  json is the
# decoded body when it is JSON, else undef (json_error says why).
sub api {
    my ($method, $path, $body, $opts) = @_;
    $opts ||= {};
    $method = uc $method;

    my %h = (Accept => 'application/json', %{ $opts->{headers} || {} });
    if (exists $opts->{xhr} ? $opts->{xhr} : ($method ne 'GET' && $method ne 'HEAD')) {
        $h{'X-Requested-With'} //= 'XMLHttpRequest';
    }
    $h{Authorization} //= "Bearer $opts->{bearer}" if defined $opts->{bearer};

    my $cookies = $opts->{cookies};
    if ($cookies) {
        my @pairs = ref $cookies eq 'HASH'
            ? map { "$_=$cookies->{$_}" } sort keys %$cookies
            : $cookies->header_pairs($path);
        $h{Cookie} = join '; ', @pairs if @pairs;
    }

    my %args = (headers => \%h);
    if (defined $body) {
        if (ref $body) {
            $args{content} = $JSON->encode($body);
            $h{'Content-Type'} //= $opts->{content_type} // 'application/json';
        } else {
            $args{content} = $body;
            $h{'Content-Type'} //= $opts->{content_type} if defined $opts->{content_type};
        }
    }

    my $url = $path =~ m{^https?://} ? $path : base_url() . $path;
    my $res = $http->request($method, $url, \%args);

    my %r = (
        status  => $res->{status},
        reason  => $res->{reason},
        headers => $res->{headers} || {},
        raw     => $res->{content} // '',
        json    => undef,
    );
    my $ct = $r{headers}{'content-type'} // '';
    if (length $r{raw} && $ct =~ m{^application/(?:[\w.+-]+\+)?json}i) {
        $r{json} = eval { $JSON->decode($r{raw}) };
        $r{json_error} = $@ if $@;
    }
    return \%r;
}


# A lower-case address unique across runs and processes (Cognito usernames
# are case-sensitive, the API lower-cases emails).
my $seq = 0;
sub unique_email {
    my ($tag) = @_;
    $tag = defined $tag ? lc($tag) =~ s/[^a-z0-9]+/-/gr : 'user';
    my ($s, $us) = Time::HiRes::gettimeofday();
    return sprintf '%s-%d%06d-%d-%d-%04x@example.com',
        $tag, $s, $us, $$, ++$seq, int rand 0x10000;
}


# Meets the pool's policy: 12+ chars, upper, lower, digit, symbol.
sub strong_password { 'Str0ng!Passw0rd#' }


# The latest confirmation code cognito-local printed for this email.  It
# prints a box to stdout (the stack logs it), coloured, like:
#   │   Username:    <sub>                │
#   │   Destination: alice@example.com    │
#   │   Code:        034497               │
# Waits up to $wait seconds (default 5) for it to appear; undef if not.
sub confirmation_code_for {
    my ($email, $wait) = @_;
    my $log = stack_env('TASKMGR_COGNITO_LOG');
    my $deadline = Time::HiRes::time() + ($wait // 5);
    for (;;) {
        my $code;
        if (open my $fh, '<:raw', $log) {
            my $dest;
            while (my $line = <$fh>) {
                $line =~ s/\e\[[0-9;]*[A-Za-z]//g;
                if ($line =~ /\bDestination:\s+(\S+)/) {
                    $dest = $1;
                } elsif ($line =~ /\bCode:\s+(\S+)/ && defined $dest) {
                    $code = $1 if lc $dest eq lc $email;
                    undef $dest;
                }
            }
            close $fh;
        }
        return $code if defined $code;
        return undef if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.1);
    }
}


# Direct calls to the stand-ins, for set-up and for checking what the
# module stored: cognito('AdminConfirmSignUp', {...}), dynamodb('GetItem',
# {...}).  Return {status, json}; errors come back, they do not die.
sub _aws {
    my ($service, $url, $op, $body) = @_;
    my $ddb = $service eq 'dynamodb';
    my $res = $http->request(POST => "$url/", {
        headers => {
            'Content-Type' => $ddb ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
            'X-Amz-Target' => ($ddb ? 'DynamoDB_20120810.' : 'AWSCognitoIdentityProviderService.') . $op,
            'X-Amz-Date'   => '20260101T000000Z',
            # the stand-ins check a signature is there, not its value
            'Authorization' => "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/"
                . ($ddb ? 'dynamodb' : 'cognito-idp')
                . "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        },
        content => $JSON->encode($body || {}),
    });
    my $json = eval { $JSON->decode($res->{content}) };
    return { status => $res->{status}, json => $json, raw => $res->{content} };
}

sub cognito  { _aws(cognito  => stack_env('TASKMGR_COGNITO_URL'), @_) }
sub dynamodb { _aws(dynamodb => stack_env('TASKMGR_DDB_URL'), @_) }


package TaskmgrStack::Client;

# A client with its own cookie jar, as one browser would be: cookies from
# Set-Cookie are kept (by name and path) and sent back on later requests
# whose path they match; Max-Age=0 or a past Expires removes them.

use strict;
use warnings;

use Time::Local ();

sub new {
    my ($class, %opts) = @_;
    return bless { jar => {}, bearer => $opts{bearer}, last => undef }, $class;
}


sub api {
    my ($self, $method, $path, $body, $opts) = @_;
    my %o = %{ $opts || {} };
    $o{cookies} //= $self;
    $o{bearer}  //= $self->{bearer} if defined $self->{bearer};
    my $r = TaskmgrStack::api($method, $path, $body, \%o);
    $self->take_cookies($r);
    $self->{last} = $r;
    return $r;
}


sub bearer { my $self = shift; $self->{bearer} = shift if @_; $self->{bearer} }


sub _parse_set_cookie {
    my ($line) = @_;
    my ($pair, @attrs) = split /;\s*/, $line;
    my ($name, $value) = split /=/, $pair, 2;
    return unless defined $name && length $name;
    my %attr;
    for (@attrs) {
        my ($k, $v) = split /=/, $_, 2;
        $attr{lc $k} = $v // 1;
    }
    return ($name, $value // '', \%attr);
}


sub _expired {
    my ($attr) = @_;
    return 1 if defined $attr->{'max-age'} && $attr->{'max-age'} =~ /^-?\d+$/ && $attr->{'max-age'} <= 0;
    if (defined $attr->{expires}
        && $attr->{expires} =~ /(\d{1,2})[ -](\w{3})[ -](\d{4}) (\d\d):(\d\d):(\d\d)/)
    {
        my %mon = (jan => 0, feb => 1, mar => 2, apr => 3, may => 4, jun => 5,
                   jul => 6, aug => 7, sep => 8, oct => 9, nov => 10, dec => 11);
        my $t = eval { Time::Local::timegm($6, $5, $4, $1, $mon{lc $2}, $3) };
        return 1 if defined $t && $t <= time;
    }
    return 0;
}


sub take_cookies {
    my ($self, $r) = @_;
    my $sc = $r->{headers}{'set-cookie'};
    return unless defined $sc;
    for my $line (ref $sc ? @$sc : ($sc)) {
        my ($name, $value, $attr) = _parse_set_cookie($line) or next;
        my $path = $attr->{path} // '/';
        if (_expired($attr)) {
            delete $self->{jar}{$name}{$path};
            delete $self->{jar}{$name} unless %{ $self->{jar}{$name} };
        } else {
            $self->{jar}{$name}{$path} = { value => $value, attrs => $attr, raw => $line };
        }
    }
}


# value of a cookie (any path, the longest path wins), or undef
sub cookie {
    my ($self, $name) = @_;
    my $c = $self->_cookie($name);
    return $c ? $c->{value} : undef;
}


# the cookie's attributes (lower-case names: path, httponly, samesite, ...)
sub cookie_attrs {
    my ($self, $name) = @_;
    my $c = $self->_cookie($name);
    return $c ? $c->{attrs} : undef;
}


sub _cookie {
    my ($self, $name) = @_;
    my $paths = $self->{jar}{$name} or return;
    my ($p) = sort { length $b <=> length $a } keys %$paths;
    return $paths->{$p};
}


sub cookie_names { sort keys %{ $_[0]{jar} } }


sub set_cookie {
    my ($self, $name, $value, $path) = @_;
    $self->{jar}{$name}{ $path // '/' } = { value => $value, attrs => {}, raw => "$name=$value" };
}


sub clear_cookies { $_[0]{jar} = {} }


# "name=value" for the cookies a browser would send to this path
sub header_pairs {
    my ($self, $path) = @_;
    $path =~ s{^https?://[^/]+}{};
    $path =~ s/[?#].*//s;
    my @pairs;
    for my $name (sort keys %{ $self->{jar} }) {
        my $paths = $self->{jar}{$name};
        for my $p (sort { length $b <=> length $a } keys %$paths) {
            my $ok = $p eq '/' || $path eq $p || index($path, $p =~ s{/?$}{/}r) == 0;
            if ($ok) {
                push @pairs, "$name=$paths->{$p}{value}";
                last;
            }
        }
    }
    return @pairs;
}


sub last_response { $_[0]{last} }

1;
