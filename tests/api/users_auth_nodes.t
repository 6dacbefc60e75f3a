#!/usr/bin/perl
# Access tokens over time and across nginx nodes, where a worker's own
# memory could hide a bug from the other suites:
#
#   - a token accepted (and so remembered by the worker that verified it)
#     is refused once it has expired: the remembered copy keeps its exp;
#   - an unknown kid refetches the JWKS at most once per worker per
#     taskmgr_jwks_refresh, however many forged tokens come (counted in
#     nginx's own log of the Cognito subrequests), and again after it
#     (the keys' life in a node is jwks_shared.t's);
#   - a token logged out on one node is refused by another node on the same
#     table: at once by a node that never saw it (only the REVOKED_<jti>
#     item can tell it), and by a node that had accepted it once its
#     "not revoked" memory (taskmgr_revocation_cache) has run out.
#
# The other node is a private nginx (tests/lib/TaskmgrNginx.pm) on the
# suite's dynalite and cognito-local, with two workers, a 4 s JWKS refresh
# and a 2 s revocation cache.
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
use ApiTest qw(:all);
use ApiNodes qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $REFRESH = 4;        # taskmgr_jwks_refresh of node B, s
my $REVOKE_CACHE = 2;   # taskmgr_revocation_cache of node B, s

my $tmp = File::Temp->newdir('taskmgr-nodes.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";

sub node_edit {
    return sub {
        my ($c, $e) = @_;
        $c =~ s/^(\s*)(taskmgr_cookie_secure\s)/${1}taskmgr_jwks_refresh        ${REFRESH}s;\n${1}taskmgr_revocation_cache    ${REVOKE_CACHE}s;\n$1$2/m
            or push @$e, 'taskmgr_cookie_secure';
        return $c;
    };
}

sub start_node {
    my ($name, $workers) = @_;
    return nginx_start(name => $name, tmp => "$tmp", workers => $workers, logs => ['cognito.log'],
                       edit => cognito_log_edit("$tmp/$name", node_edit()));
}

sub refused_as {
    my ($r, $message, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $e = ref $r->{json} eq 'HASH' ? $r->{json}{error} // {} : {};
    ok $r->{status} == 401 && ($e->{code} // '') eq 'unauthorized' && ($e->{message} // '') eq $message,
       "$name: 401 unauthorized, \"$message\"" or diag "$r->{status} $r->{raw}";
}

# per worker, fetches at least $REFRESH - 1 s apart (ngx_time has whole
# seconds); the problems found
sub throttle_problems {
    my @f = @_;
    my (%last, @p);
    for my $f (sort { $a->{t} <=> $b->{t} } @f) {
        push @p, sprintf('worker %d fetched %.2f s after its last fetch', $f->{pid}, $f->{t} - $last{ $f->{pid} })
            if defined $last{ $f->{pid} } && $f->{t} - $last{ $f->{pid} } < $REFRESH - 1;
        $last{ $f->{pid} } = $f->{t};
    }
    return @p;
}


my $B = eval { start_node(b => 2) };
ok $B, 'node B: a private nginx with two workers on the same table' or do { diag $@; done_testing; exit };
note "node B $B->{url} in $tmp";

my $reg = register_user(tag => 'nodes');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $access = $reg->{access} // 'none.none.none';


# ---- a remembered token past its exp
SKIP: {
    skip 'node or cognito-local signing key not available', 6 unless have_node();
    my ($h, $p) = jwt_parts($access);
    # signed to have expired 20 s ago: inside the 30 s leeway for ~10 s
    my $exp = time - 20;
    my $late = sign_jwt($h, { %$p, exp => $exp });
    is statuses($B->{url}, $late, 8), '200 x8', 'node B: a token in its last seconds, 8 connections: 200';
    is statuses(base_url(), $late, 8), '200 x8', 'the suite node: 200 too';
    my $wait = $exp + 30 + 2 - Time::HiRes::time();
    Time::HiRes::sleep($wait) if $wait > 0;
    my %s;
    for my $url ($B->{url}, base_url()) {
        my @r = map { me($url, $late) } 1 .. 8;
        my @bad = grep { $_->{status} != 401 } @r;
        is scalar(@bad), 0, "$url: once expired, 8 connections: 401"
            or diag join "\n", map { "$_->{status} $_->{raw}" } @bad;
        refused_as($r[0], 'the token has expired', "$url: once expired");
    }
}


# ---- JWKS refetches for unknown kids, counted per worker
{
    my ($h, $p) = jwt_parts($access);
    my $forged = sub { jwt_make({ %$h, kid => 'kid-' . int(rand 1e9) }, $p) . '.c2ln' };
    is statuses($B->{url}, $access, 4), '200 x4', 'node B: the genuine token (the workers hold keys)';

    my $mark = log_mark($B);
    my $t0 = Time::HiRes::time();
    my @r = map { me($B->{url}, $forged->()) } 1 .. 40;
    my $t1 = Time::HiRes::time();
    is scalar(grep { $_->{status} == 401 } @r), 40, '40 tokens with unknown kids: 401 each';
    my @f = jwks_fetches($B, $mark);
    my %pids = map { $_->{pid} => 1 } @f;
    my $bound = 2 * (1 + int(($t1 - $t0) / ($REFRESH - 1)));
    cmp_ok scalar(@f), '<=', $bound, sprintf('at most %d JWKS fetches for them (two workers, %.1f s)', $bound, $t1 - $t0)
        or diag explain \@f;
    is_deeply [throttle_problems(@f)], [], 'no worker fetched twice within taskmgr_jwks_refresh';

    # past the interval an unknown kid is looked for again (a rotated key
    # is found), once per worker at most
    Time::HiRes::sleep($REFRESH + 0.5);
    $mark = log_mark($B);
    @r = map { me($B->{url}, $forged->()) } 1 .. 40;
    my @g = jwks_fetches($B, $mark);
    cmp_ok scalar(@g), '>=', 1, 'after the interval, unknown kids refetch the JWKS';
    cmp_ok scalar(@g), '<=', 2, 'once per worker at most';
    is scalar(grep { $_->{status} != 200 } @f, @g), 0, 'every fetch answered 200';
    is_deeply [throttle_problems(@f, @g)], [], 'and still never twice within the interval';
    is me($B->{url}, $access)->{status}, 200, 'the genuine token still works on node B';
}


# ---- logged out on one node, refused on the others
{
    is statuses($B->{url}, $access, 6), '200 x6', 'node B accepts the token (and remembers "not revoked")';
    my $x = api(POST => '/api/users/logout', undef, { bearer => $access, xhr => 0 });
    is $x->{status}, 204, 'logged out on the suite node' or diag $x->{raw};
    refused_as(api(GET => '/api/users/me', undef, { bearer => $access }), 'the token was revoked',
               'the suite node');

    # a node that never saw the token: only the table can tell it
    my $C = eval { start_node(c => 1) };
    ok $C, 'node C started after the logout' or diag $@;
    if ($C) {
        refused_as(me($C->{url}, $access), 'the token was revoked', 'node C, first request');
        nginx_stop($C);
        nginx_clean_ok($C);
    }

    # node B, once its "not revoked" has run out
    Time::HiRes::sleep($REVOKE_CACHE + 1.5);
    my @r = map { me($B->{url}, $access) } 1 .. 8;
    is scalar(grep { $_->{status} == 401 } @r), 8,
       "node B, after taskmgr_revocation_cache: 401 on 8 connections" or diag explain [map { $_->{status} } @r];
    refused_as($r[0], 'the token was revoked', 'node B');
}

nginx_stop($B);
nginx_clean_ok($B);

done_testing;
