#!/usr/bin/perl
# Registration with taskmgr_require_confirmation on.  The shared test
# stack runs with it off, so this file starts a second, private stack
# (scripts/stack.sh, TASKMGR_REQUIRE_CONFIRMATION=on) on free ports and
# stops it at the end: register -> {user, confirmationRequired}, no
# session; login refused until POST /api/users/confirm; then a session.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);

my $repo  = "$FindBin::Bin/../..";
my $stack = "$repo/scripts/stack.sh";

plan skip_all => 'the module is not built' unless -f "$repo/objs" . (($ENV{SANITIZE} // '') eq '1' ? '-san' : '')
                                                  . '/ngx_taskmgr_module.so';

my $tmp = File::Temp->newdir('taskmgr-confirm.XXXXXX', TMPDIR => 1);
chmod 0755, "$tmp";     # nginx workers may run as nobody
# every service on a free port: the suite's stack and a `make run` stack
# may be up (stack.sh picks them all, maildev's included)
my %senv = (DATA_DIR => "$tmp/data", STACK_FREE_PORTS => 1,
            TASKMGR_REQUIRE_CONFIRMATION => 'on');
my $suite_url = base_url();
my $started = 0;

sub stack_cmd {
    my ($what) = @_;
    local @ENV{ keys %senv } = values %senv;
    my $out = `'$stack' $what 2>&1`;
    return ($? == 0, $out);
}

END {
    if ($started) {
        my ($ok, $out) = stack_cmd('stop');
        print STDERR $out unless $ok;
    }
}

my ($ok, $out) = stack_cmd('start');
$started = 1;
ok $ok, 'a private stack with taskmgr_require_confirmation on started' or do {
    diag $out;
    done_testing;
    exit;
};

# point TaskmgrStack at it for the rest of this file
{
    open my $fh, '<', "$tmp/data/run/stack.env" or die "stack.env: $!";
    while (<$fh>) {
        $ENV{$1} = $2 =~ s/^'(.*)'$/$1/r if /^export (TASKMGR_\w+)=(.*)$/;
    }
}
isnt base_url(), $suite_url, 'talking to the private stack';

# ---- register: a user, no session
my $mixed = unique_email('confirm-on') =~ s/^(\w)/\U$1/r;
my $lower = lc $mixed;
my $reg = register_user(email => $mixed, firstName => 'Conny', lastName => 'Confirm');
my $r = $reg->{r};
spec_ok(POST => '/api/users/register', $r);
is $r->{status}, 201, 'register: 201' or diag $r->{raw};
is_deeply [sort keys %{ $r->{json} || {} }], [qw(confirmationRequired user)], 'the answer is {user, confirmationRequired}';
ok JSON::PP::is_bool($r->{json}{confirmationRequired}) && $r->{json}{confirmationRequired},
    'confirmationRequired: true';
my $u = $r->{json}{user} || {};
is $u->{email}, $lower, 'email lower-cased';
is $u->{lastLogin}, undef, 'never logged in';
is_deeply [set_cookie_lines($r)], [], 'no session cookies';
{
    my $cu = cognito(AdminGetUser => { UserPoolId => stack_env('TASKMGR_USER_POOL_ID'), Username => $lower });
    is +($cu->{json} || {})->{UserStatus}, 'UNCONFIRMED', 'the Cognito user waits for confirmation';
}

# ---- no login before confirmation
my $login = { email => $lower, password => $reg->{password} };
$r = auth_api(undef, POST => '/api/users/login', $login);
spec_ok(POST => '/api/users/login', $r);
ok $r->{status} >= 400 && $r->{status} < 500 && $r->{status} != 429, 'login before confirming: refused (4xx)'
    or diag "$r->{status} $r->{raw}";
ok !defined cookie_line($r, 'tm_access'), 'no session';

# ---- registering the same email again, still unconfirmed
$r = auth_api(undef, POST => '/api/users/register', new_user_body(email => $lower));
error_ok($r, 409, 'email_taken', 'email', 'the unconfirmed email is taken: 409', POST => '/api/users/register');

# ---- confirm
my $code = confirmation_code($lower) // '';
like $code, qr/^\d+$/, 'cognito-local holds a code for it';
my $wrong = $code eq '000000' ? '111111' : '000000';
$r = api(POST => '/api/users/confirm', { email => $lower, code => $wrong });
error_ok($r, 400, 'invalid_code', undef, 'a wrong code: 400 invalid_code', POST => '/api/users/confirm');
$r = api(POST => '/api/users/confirm', { email => $mixed, code => $code });
spec_ok(POST => '/api/users/confirm', $r);
is_deeply [$r->{status}, $r->{json}], [200, { confirmed => JSON::PP::true }], 'the right code: 200 {confirmed: true}'
    or diag $r->{raw};

# ---- and now a session
my $c = TaskmgrStack::Client->new;
$r = auth_api($c, POST => '/api/users/login', $login);
spec_ok(POST => '/api/users/login', $r);
is $r->{status}, 200, 'login after confirming: 200' or diag $r->{raw};
is +($r->{json}{user} || {})->{id}, $u->{id}, 'the user registered';
ok defined $c->cookie('tm_access') && defined $c->cookie('tm_refresh'), 'session cookies set';
$r = $c->api(GET => '/api/users/me');
spec_ok(GET => '/api/users/me', $r);
is $r->{status}, 200, 'GET /me';
is_deeply [@{ $r->{json}{user} || {} }{qw(id email firstName lastName)}], [$u->{id}, $lower, 'Conny', 'Confirm'],
    'the profile given at registration';
like $r->{json}{user}{lastLogin} // '', qr/^\d{4}-/, 'lastLogin set by the login';
is scalar(users_with_email($lower)), 1, 'one USER item';

# ---- the private nginx did not crash
($ok, $out) = stack_cmd('stop');
$started = 0;
ok $ok, 'the private stack stopped' or diag $out;
{
    my $log = "$tmp/data/run/error.log";
    my @bad;
    if (open my $fh, '<', $log) {
        @bad = grep { /exited on signal|\[(?:alert|emerg)\]/ } <$fh>;
    }
    is_deeply \@bad, [], 'its error.log reports no crash or alert';
    my @san = glob "$tmp/data/run/sanitizer/*san*";
    is_deeply \@san, [], 'no sanitizer reports' or diag map { `cat '$_'` } @san;
}

done_testing;
