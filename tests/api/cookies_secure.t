#!/usr/bin/perl
# Where taskmgr_cookie_secure is on (behind TLS, as on AWS) the session
# cookies are __Host- cookies (issue 16, item 10): Secure, Path=/, no
# Domain, so that no other host can set or shadow them.  The local stack
# serves plain http, where a browser would refuse them: there the names
# are bare (users_register.t, users_session.t).
#
# On a private nginx with taskmgr_cookie_secure on, spoken to over http by
# this test (it is the browser that insists on https, not nginx).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-cookies.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";

my $N = eval {
    nginx_start(name => 's', tmp => "$tmp", edit => sub {
        my ($c, $e) = @_;
        $c =~ s/^(\s*taskmgr_cookie_secure\s+)off;/${1}on;/m or push @$e, 'taskmgr_cookie_secure off';
        return $c;
    });
};
ok $N, 'a private nginx with taskmgr_cookie_secure on' or do { diag $@; done_testing; exit };

my $reg = register_user(tag => 'cookies');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};

my $login = auth_api(undef, POST => "$N->{url}/api/users/login", { email => $reg->{email}, password => $reg->{password} });
is $login->{status}, 200, 'log in' or diag $login->{raw};

my %value;
for my $n (qw(__Host-tm_access __Host-tm_refresh)) {
    my $line = cookie_line($login, $n);
    ok defined $line, "Set-Cookie $n" or next;
    like $line, qr/;\s*Secure(?:;|$)/i, "$n: Secure";
    like $line, qr/;\s*Path=\/(?:;|$)/, "$n: Path=/";
    unlike $line, qr/;\s*Domain=/i, "$n: no Domain";
    like $line, qr/;\s*HttpOnly(?:;|$)/i, "$n: HttpOnly";
    ($value{$n}) = $line =~ /^\Q$n\E=([^;]*)/;
}
is scalar(grep { /^tm_(access|refresh)=/ } set_cookie_lines($login)), 0, 'no bare cookie names';

my $me = api(GET => "$N->{url}/api/users/me", undef, { cookies => { '__Host-tm_access' => $value{'__Host-tm_access'} } });
is $me->{status}, 200, 'the __Host- access cookie is a session';
$me = api(GET => "$N->{url}/api/users/me", undef, { cookies => { tm_access => $value{'__Host-tm_access'} } });
is $me->{status}, 401, 'the same token under the bare name is not (a cookie any host may have set)';

my $ref = api(POST => "$N->{url}/api/users/refresh", undef, { cookies => { '__Host-tm_refresh' => $value{'__Host-tm_refresh'} } });
is $ref->{status}, 200, 'the __Host- refresh cookie refreshes' or diag $ref->{raw};
ok defined cookie_line($ref, '__Host-tm_access'), 'a new __Host- access cookie';

my $out = api(POST => "$N->{url}/api/users/logout", undef,
              { cookies => { '__Host-tm_access' => $value{'__Host-tm_access'}, '__Host-tm_refresh' => $value{'__Host-tm_refresh'} } });
is $out->{status}, 204, 'log out';
for my $n (qw(__Host-tm_access __Host-tm_refresh)) {
    like cookie_line($out, $n) // '', qr/^\Q$n\E=;.*Path=\/;.*Max-Age=0;/, "$n cleared on Path=/";
}

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
