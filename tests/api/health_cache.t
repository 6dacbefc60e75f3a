#!/usr/bin/perl
# GET /api/health answers from a worker's last checks for
# taskmgr_health_cache (3 s by default): anyone may call it, so it must not
# be a way to make DynamoDB and Cognito calls at will (issue 16, item 7).
# Counted in nginx's own log of the module's subrequests, on a private
# nginx with one worker.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use TaskmgrNginx qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-health.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my $dir = "$tmp/h";

my $N = eval {
    nginx_start(name => 'h', tmp => "$tmp", logs => ['calls.log'], edit => sub {
        my ($c, $e) = @_;
        $c =~ s{^(http\s*\{\n)}{$1
    log_format  taskmgr_backend_calls  '\$msec \$uri';
}m or push @$e, 'http {';
        for my $loc ('location = /_taskmgr/dynamodb {', 'location ^~ /_taskmgr/cognito/ {') {
            $c =~ s{^(\s*\Q$loc\E\n)}{$1            log_subrequest  on;
            access_log      $dir/calls.log taskmgr_backend_calls;
}m or push @$e, $loc;
        }
        return $c;
    });
};
ok $N, 'a private nginx with one worker, its backend calls logged' or do { diag $@; done_testing; exit };

sub calls { scalar(my @l = read_lines("$dir/calls.log")) }

my $t0 = Time::HiRes::time();
my @r = map { api(GET => "$N->{url}/api/health") } 1 .. 20;
my $t1 = Time::HiRes::time();
is scalar(grep { $_->{status} == 200 && ($_->{json}{status} // '') eq 'ok' } @r), 20,
   '20 health requests: 200 "ok" each';
spec_ok(GET => '/api/health', $r[-1], 'the cached answer follows the contract');
SKIP: {
    skip 'the requests took over 2 s', 1 if $t1 - $t0 > 2;
    is calls(), 2, 'two backend calls for them (DescribeTable, the JWKS): the others were answered from the cache';
}

Time::HiRes::sleep(3.2);
is api(GET => "$N->{url}/api/health")->{status}, 200, 'after taskmgr_health_cache: 200';
is calls(), 4, 'checked afresh';

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
