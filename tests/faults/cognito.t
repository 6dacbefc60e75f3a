#!/usr/bin/perl
# Cognito (cognito-local) paused, then killed and started again, with
# nginx reloaded while it is down, under four clients working with their
# tasks:
#   - the clients notice nothing: their tokens are verified with the keys
#     the node holds, which survive the reload (2xx throughout);
#   - logging in meanwhile is 503, never 500 or a hang;
#   - logging in works again within a second and a half of Cognito's
#     return.
# (Each kill is SIGKILL; cognito-local is killed while idle, as it cannot
# read its own database file again if killed in the middle of a write.)
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/../lib", "$FindBin::Bin/../api/lib";
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrFaults qw(:all);
use ApiTest qw(register_user);

my $RECOVER = 1.5;
my $port = stack_env('TASKMGR_COGNITO_PORT');
my $tmp = File::Temp->newdir('taskmgr-faults-cognito.XXXXXX', TMPDIR => 1);

my @regs = map { register_user(tag => "faults-cognito-$_") } 1 .. 4;
is scalar(grep { $_->{r}{status} == 201 } @regs), 4, 'four users';
my @users = map { { token => $_->{access} } } @regs;

sub login {
    my $r = api(POST => '/api/users/login', { email => $regs[0]{email}, password => $regs[0]{password} });
    return $r->{status};
}

my $load = load_start(users => \@users, dir => "$tmp");
Time::HiRes::sleep(1.5);

pause('cognito-local');
my $t0 = Time::HiRes::time();
is login(), 503, 'Cognito paused: logging in is 503';
cmp_ok Time::HiRes::time() - $t0, '<', 12, 'within the read timeout';
ok reload(), 'nginx reloaded while Cognito is paused';
Time::HiRes::sleep(1);
resume('cognito-local');
my $t_resume = Time::HiRes::time();
my $ok_at;
while (Time::HiRes::time() - $t_resume < 10) {
    if (login() == 200) { $ok_at = Time::HiRes::time(); last }
    Time::HiRes::sleep(0.05);
}
ok $ok_at, 'Cognito back: logging in works';
cmp_ok(($ok_at // 99) - $t_resume, '<', $RECOVER, sprintf('within %.2f s', ($ok_at // 99) - $t_resume));

# cognito-local rewrites its JSON file in place on a write: killed in the
# middle of one it cannot read it again (real Cognito has no such file).
# Killed when idle, then.
Time::HiRes::sleep(1);
my $t_back = restart('cognito-local', $port, sub {
    is login(), 503, 'Cognito killed: logging in is 503';
    ok reload(), 'nginx reloaded while Cognito is down';
    Time::HiRes::sleep(1);
});
undef $ok_at;
while (Time::HiRes::time() - $t_back < 10) {
    if (login() == 200) { $ok_at = Time::HiRes::time(); last }
    Time::HiRes::sleep(0.05);
}
ok $ok_at, 'Cognito started again: logging in works';
cmp_ok(($ok_at // 99) - $t_back, '<', $RECOVER, sprintf('within %.2f s of its port answering', ($ok_at // 99) - $t_back));
Time::HiRes::sleep(1);

my @a = load_stop($load);
ok @a > 50, scalar(@a) . ' answers to the clients';
my @bad = grep { $_->{status} !~ /^2/ } @a;
is scalar(@bad), 0, 'every one 2xx: the clients noticed nothing'
    or diag explain [map { "$_->{op} $_->{status} at " . sprintf('%.1f', $_->{t} - $t0) } @bad[0 .. ($#bad < 9 ? $#bad : 9)]];

done_testing;
