#!/usr/bin/perl
# The pool's signing keys in a node (issue 16, item 1): the workers share
# them in a shared memory zone that outlives reloads, and one fetch serves
# a node.
#
#   - a cold node hit by concurrent requests on its two workers fetches the
#     JWKS once: the others wait for that fetch and answer 200;
#   - Cognito down, then a reload: the new workers verify with the keys
#     held, 200;
#   - unknown kids while Cognito is down: 401, no burst of fetches;
#   - a cold node while Cognito is down: 503 "unavailable" with
#     Retry-After (a token that cannot be judged is not refused as bad),
#     at most one fetch a second; Cognito back, 200 within about a second.
#
# Cognito is reached through a gate in the private nginx: a server that
# answers 503 while the file cognito-down exists, else proxies to the
# suite's cognito-local.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use POSIX ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);
use ApiNodes qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-jwks.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my $down = "$tmp/cognito-down";

sub gate_edit {
    my ($gate) = @_;
    return sub {
        my ($c, $e) = @_;
        my $cognito;
        $c =~ s/^(\s*upstream taskmgr_cognito \{\n\s*server\s+)127\.0\.0\.1:(\d+);/${1}127.0.0.1:$gate;/m
            and $cognito = $2 or push @$e, 'upstream taskmgr_cognito';
        $cognito //= 0;
        $c =~ s{^(\s*upstream taskmgr_cognito \{)}{    server {
        listen  127.0.0.1:$gate;
        location / {
            if (-f $down) {
                return 503;
            }
            proxy_pass  http://127.0.0.1:$cognito;
        }
    }

$1}m or push @$e, 'gate';
        return $c;
    };
}

sub start_node {
    my ($name) = @_;
    my ($gate) = free_ports(1);
    return nginx_start(name => $name, tmp => "$tmp", workers => 2, logs => ['cognito.log'],
                       edit => cognito_log_edit("$tmp/$name", gate_edit($gate)));
}

sub cognito_down {
    open my $fh, '>', $down or die "$down: $!";
    close $fh;
}

# N requests at once, each from its own process: their statuses
sub at_once {
    my ($url, $token, $n) = @_;
    my @kids;
    for (1 .. $n) {
        pipe my $r, my $w or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $r;
            print $w me($url, $token)->{status};
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
    }
    my %s;
    for (@kids) {
        my ($pid, $r) = @$_;
        my $st = do { local $/; <$r> } // 'none';
        waitpid $pid, 0;
        $s{$st}++;
    }
    return join ' ', map { "$_ x$s{$_}" } sort keys %s;
}


my $reg = register_user(tag => 'jwks');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $access = $reg->{access} // 'none.none.none';

# ---- a cold node, concurrent requests: one fetch
my $B = eval { start_node('b') };
ok $B, 'node B: a private nginx with two workers' or do { diag $@; done_testing; exit };
is at_once($B->{url}, $access, 24), '200 x24', 'a cold node, 24 requests at once: 200 each';
my @f = jwks_fetches($B);
is scalar(@f), 1, 'one JWKS fetch for the node: the requests that came during it waited for it'
    or diag explain \@f;
is scalar(grep { $_->{status} == 200 } @f), scalar(@f), 'it answered 200';

# ---- Cognito down, a reload: the keys stay
cognito_down();
my $mark = log_mark($B);
ok nginx_reload($B), 'node B reloaded (new workers)';
is statuses($B->{url}, $access, 8), '200 x8', 'Cognito down, after the reload: 200 on 8 connections';
is scalar(jwks_fetches($B, $mark)), 0, 'without asking Cognito';

# ---- unknown kids while Cognito is down: refused, no burst of fetches
{
    my ($h, $p) = jwt_parts($access);
    my $t0 = Time::HiRes::time();
    my @r = map { me($B->{url}, jwt_make({ %$h, kid => "kid-$_" }, $p) . '.c2ln') } 1 .. 20;
    is scalar(grep { $_->{status} == 401 } @r), 20, '20 tokens with unknown kids: 401 each (keys are held)'
        or diag explain [map { $_->{status} } @r];
    cmp_ok scalar(jwks_fetches($B, $mark)), '<=', 1, 'at most one fetch tried for them';
    is me($B->{url}, $access)->{status}, 200, 'the genuine token still works';
}

# ---- a cold node while Cognito is down: 503, one fetch a second
my $C = eval { start_node('c') };
ok $C, 'node C: started while Cognito is down' or diag $@;
if ($C) {
    my $t0 = Time::HiRes::time();
    my @r;
    while (Time::HiRes::time() - $t0 < 3) {
        push @r, me($C->{url}, $access);
        Time::HiRes::sleep(0.05);
    }
    my $secs = Time::HiRes::time() - $t0;
    my @bad = grep { $_->{status} != 503 || (($_->{json}{error}{code} // '') ne 'unavailable')
                     || !defined $_->{headers}{'retry-after'} } @r;
    is scalar(@bad), 0, scalar(@r) . ' requests: 503 "unavailable" with Retry-After each'
        or diag explain [map { "$_->{status} $_->{raw}" } @bad[0 .. 2]];
    my $n = scalar(jwks_fetches($C));
    cmp_ok $n, '<=', int($secs) + 2, sprintf('%d fetches tried in %.1f s: at most one a second', $n, $secs);
    cmp_ok $n, '>=', 2, 'and they go on while no keys are held';

    unlink $down;
    my $back = Time::HiRes::time();
    my $ok = 0;
    while (Time::HiRes::time() - $back < 5) {
        $ok = 1, last if me($C->{url}, $access)->{status} == 200;
        Time::HiRes::sleep(0.05);
    }
    my $took = Time::HiRes::time() - $back;
    ok $ok, 'Cognito back: 200';
    cmp_ok $took, '<', 2.5, sprintf('within %.2f s of its return (fetches once a second)', $took);
    is statuses($C->{url}, $access, 6), '200 x6', 'on both workers';
    nginx_stop($C);
    nginx_clean_ok($C);
}
unlink $down;
nginx_stop($B);
nginx_clean_ok($B);

done_testing;
