#!/usr/bin/perl
# DynamoDB (dynalite) paused past the read timeout, then killed and started
# again with nginx reloaded during the outage, under four clients creating,
# reading and listing tasks:
#   - no 5xx but 503, never a hang (every answer within the client's 15 s);
#   - every client served again within a second of DynamoDB's return (the
#     circuit's interval), printed;
#   - every task whose create was answered 201 is there afterwards;
#   - no nginx worker crashed (the suite checks error.log after the stop).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/../lib", "$FindBin::Bin/../api/lib";
use File::Temp ();
use List::Util qw(max);
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrFaults qw(:all);
use ApiTest qw(register_user);

my $RECOVER = 1.5;    # s: the circuit's 1 s, and a loaded machine's slack
my $port = stack_env('TASKMGR_DDB_PORT');
my $tmp = File::Temp->newdir('taskmgr-faults-ddb.XXXXXX', TMPDIR => 1);

my @users = map {
    my $r = register_user(tag => "faults-ddb-$_");
    die "register: $r->{r}{status} $r->{r}{raw}\n" unless $r->{r}{status} == 201;
    { token => $r->{access} };
} 1 .. 4;

my $load = load_start(users => \@users, dir => "$tmp");
Time::HiRes::sleep(2);

# paused past the 5 s read timeout
my $t_pause = Time::HiRes::time();
pause('dynalite');
Time::HiRes::sleep(7);
resume('dynalite');
my $t_resume = Time::HiRes::time();
Time::HiRes::sleep(3);

# killed; a reload while it is down; started again
my $t_kill = Time::HiRes::time();
my $t_back = restart('dynalite', $port, sub { Time::HiRes::sleep(1); reload() or die "reload\n"; Time::HiRes::sleep(1.5) });
Time::HiRes::sleep(3);

my @a = load_stop($load);
note scalar(@a) . ' answers';

my @before = grep { $_->{t} < $t_pause } @a;
ok @before > 20, scalar(@before) . ' answers before the first fault';
is scalar(grep { $_->{status} !~ /^2/ } @before), 0, 'all of them 2xx';

my @bad = grep { $_->{status} !~ /^(2\d\d|503)$/ } @a;
is scalar(@bad), 0, 'no answer but 2xx or 503 (no 500, 502, 504, no hang)'
    or diag explain [map { "$_->{op} $_->{status} at " . sprintf('%.1f', $_->{t} - $t_pause) } @bad[0 .. ($#bad < 9 ? $#bad : 9)]];
ok scalar(grep { $_->{status} == 503 && $_->{t} > $t_pause && $_->{t} < $t_resume + 1 } @a),
   'the pause was felt: 503s while DynamoDB did not answer';
ok scalar(grep { $_->{status} == 503 && $_->{t} > $t_kill && $_->{t} < $t_back } @a),
   'and the kill';

for ([paused => $t_resume], [killed => $t_back]) {
    my ($what, $t) = @$_;
    my %first = first_ok_after($t, @a);
    is scalar(keys %first), scalar(@users), "$what: every client served again";
    my $worst = max(map { $_ - $t } values %first) // 99;
    cmp_ok $worst, '<', $RECOVER, sprintf('%s: every client served again within %.2f s of its return', $what, $worst);
}

# nothing lost: each 201 is there
my %owner;
my @created = grep { $_->{op} eq 'create' && $_->{status} == 201 } @a;
my @missing;
for my $c (@created) {
    my $r = api(GET => "/api/tasks/$c->{id}", undef, { bearer => $users[$c->{client}]{token} });
    push @missing, "$c->{id} ($r->{status})" unless $r->{status} == 200;
}
ok @created > 50, scalar(@created) . ' tasks created';
is scalar(@missing), 0, 'every task answered 201 is there' or diag explain \@missing;

done_testing;
