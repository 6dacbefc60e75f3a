#!/usr/bin/perl
# DynamoDB down, then back (issue: a hung or unreachable backend held
# every request and wrote two log lines each):
#   - every request answers 503 unavailable with Retry-After;
#   - after a few failures in a row the worker stops calling (a circuit):
#     later requests fail at once, and the error log stops growing with
#     them (the module's own line once per 5 s, with the count left out);
#   - DynamoDB back: within the circuit's interval requests succeed again.
# A private one-worker nginx whose DynamoDB upstream is a TCP forwarder to
# the suite's dynalite that the test stops and starts.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use TaskmgrScheduler qw(start_proxy stop_pid);
use ApiTest qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-down.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my ($relay) = free_ports(1);
my $ddb_port = stack_env('TASKMGR_DDB_PORT');

my $n = eval {
    nginx_start(name => 'down', tmp => "$tmp", edit => sub {
        my ($c, $e) = @_;
        $c =~ s/^(\s*upstream taskmgr_dynamodb \{\s*\n\s*server\s+)127\.0\.0\.1:\d+;/${1}127.0.0.1:$relay;/m
            or push @$e, 'upstream taskmgr_dynamodb';
        return $c;
    });
};
ok $n, 'a private nginx with DynamoDB behind a forwarder' or do { diag $@; done_testing; exit };

my $reg = register_user(tag => 'down');
my $token = $reg->{access} // 'none';
my $proxy = start_proxy($relay, $ddb_port);
END { stop_pid($proxy) if $proxy }

sub tasks { api(GET => "$n->{url}/api/tasks", undef, { bearer => $token }) }
sub lines { grep { /\[(?:error|warn|alert|crit)\]/ } split /\n/, slurp("$n->{dir}/error.log") }

is tasks()->{status}, 200, 'DynamoDB up: 200';

# ---- down
stop_pid($proxy);
undef $proxy;
my $before = () = lines();
my (%status, @slow);
my $t0 = Time::HiRes::time();
for my $i (1 .. 60) {
    my $s = Time::HiRes::time();
    my $r = tasks();
    $status{ $r->{status} }++;
    $status{retry}++ if ($r->{headers}{'retry-after'} // '') eq '1';
    push @slow, $i if Time::HiRes::time() - $s > 0.5;
}
is_deeply \%status, { 503 => 60, retry => 60 }, 'DynamoDB down: 60 requests, 503 with Retry-After each';
my @all = lines();
my @new = @all[$before .. $#all];
cmp_ok scalar(@new), '<=', 15, sprintf('%d error log lines for 60 failed requests, not 120', scalar @new)
    or diag join "\n", @new;
ok scalar(grep { /calls in a row failed, calls fail at once/ } @new), 'the circuit opening is logged';
ok scalar(grep { /taskmgr dynamodb \w+: unavailable \(status \d+\); \d+ more failures in the last 5 s/ } @new),
   'the failure is logged with the count left out';

# ---- back
$proxy = start_proxy($relay, $ddb_port);
my $ok_after;
for my $i (1 .. 50) {
    if (tasks()->{status} == 200) { $ok_after = Time::HiRes::time(); last }
    Time::HiRes::sleep(0.1);
}
ok $ok_after, 'DynamoDB back: requests succeed again within 5 s';
is tasks()->{status}, 200, 'and go on succeeding';
ok scalar(grep { /reachable again, circuit closed/ } lines()), 'the circuit closing is logged';

nginx_stop($n);
nginx_clean_ok($n);

done_testing;
