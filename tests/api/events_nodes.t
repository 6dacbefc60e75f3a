#!/usr/bin/perl
# Push across nodes (issue 14): a second nginx on the suite's table and
# the suite's Redis; a subscriber held by node B receives, within 1 s, the
# events of writes made through node A (the suite's nginx), and the other
# way round.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use TaskmgrEvents qw(:all);
use ApiTest qw(register_user);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-events-nodes.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";

my $B = eval { nginx_start(name => 'b', tmp => "$tmp", workers => 2) };
ok $B, 'node B: a private nginx, same table, same Redis' or do { diag $@; done_testing; exit };

my $u = register_user(tag => 'events-nodes');
is $u->{r}{status}, 201, 'a user' or BAIL_OUT($u->{r}{raw});

for my $dir (['A', base_url(), 'B', $B->{url}], ['B', $B->{url}, 'A', base_url()]) {
    my ($w, $wurl, $s, $surl) = @$dir;
    my $sub = sse_open(url => $surl, token => $u->{access});
    is $sub->{status}, 200, "subscribed on node $s";
    Time::HiRes::sleep(0.2);
    my $t0 = Time::HiRes::time();
    my $r = api(POST => "$wurl/api/tasks", { title => "Written on $w" }, { bearer => $u->{access} });
    is $r->{status}, 201, "a task created through node $w";
    my ($e) = sse_wait($sub, 1, sub { $_[0]{event} eq 'task' && ($_[0]{json}{id} // '') eq ($r->{json}{task}{id} // '-') });
    ok $e, "node ${s}'s subscriber has it within 1 s";
    note sprintf "write on %s -> event on %s: %.0f ms", $w, $s, (($e ? $e->{t} : $t0) - $t0) * 1000;
    sse_close($sub);
}

my $h = api(GET => "$B->{url}/api/health");
is $h->{json}{events}, 'ok', 'node B: /api/health "events": "ok"';

nginx_stop($B);
nginx_clean_ok($B);

done_testing;
