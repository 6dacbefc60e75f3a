#!/usr/bin/perl
# The JSON access log (issue 17): every line of a private nginx's log (the
# suite's conf, its log_format taskmgr_json) is one JSON object, and a
# known request's line carries the module's variables with the right
# values: $taskmgr_route (the route's template), $taskmgr_aws_calls and
# $taskmgr_aws_ms, $taskmgr_error (the code answered), $taskmgr_user.
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

my $tmp = File::Temp->newdir('taskmgr-alog.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my $dir = "$tmp/l";

like slurp("$ENV{TASKMGR_RUN_DIR}/nginx.conf"), qr/access_log\s+\S+\s+taskmgr_json;/,
     'the suite conf logs with taskmgr_json';
my $N = eval { nginx_start(name => 'l', tmp => "$tmp") };
ok $N, 'a private nginx' or do { diag $@; done_testing; exit };

my $reg = register_user(tag => 'alog');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};
my $uid = $reg->{user}{id};
my $tag = "alog-$$-" . time;

# each request names itself in its User-Agent, to find its line
my %req = (
    list     => [GET => '/api/tasks', undef, 200],
    missing  => [GET => '/api/tasks/00000000-0000-4000-8000-000000000000', undef, 404],
    noroute  => [GET => '/api/no-such-route', undef, 404],
    invalid  => [POST => '/api/tasks', { title => '' }, 400],
    toolarge => [POST => '/api/tasks', 'x' x (70 * 1024), 413],
);
for my $k (sort keys %req) {
    my ($method, $path, $body, $status) = @{ $req{$k} };
    my $r = api($method => "$N->{url}$path", $body, { bearer => $reg->{access},
                headers => { 'User-Agent' => "$tag-$k" }, content_type => 'application/json' });
    is $r->{status}, $status, "$k: $method $path answers $status" or diag $r->{raw};
}
# the last request's line is written once it is answered: one more
# request behind it on the one worker
api(GET => "$N->{url}/api/health");

my (%line, $bad);
for my $l (read_lines("$dir/access.log")) {
    my $j = eval { json_decode($l) };
    if (ref $j ne 'HASH') { $bad++; diag "not a JSON object: $l"; next }
    $line{$1} = $j if ($j->{user_agent} // '') =~ /^\Q$tag\E-(\w+)$/;
}
ok !$bad, 'every access log line is a JSON object';
is_deeply [sort keys %line], [sort keys %req], 'a line for each request';

my $l = $line{list};
is $l->{route}, '/api/tasks', 'GET /api/tasks: route /api/tasks';
is $l->{status}, 200, 'status 200';
cmp_ok $l->{aws_calls}, '>', 0, 'aws_calls > 0';
like $l->{aws_ms}, qr/^\d+$/, 'aws_ms: a whole number of ms';
is $l->{error}, '', 'no error';
is $l->{user}, $uid, 'user: the caller';
like $l->{request_time}, qr/^\d+(\.\d{1,3})?$/, 'request_time in seconds (a JSON number: 0.010 reads back as 0.01)';

$l = $line{missing};
is $l->{route}, '/api/tasks/{id}', 'a task that is not there: route /api/tasks/{id}';
is $l->{error}, 'not_found', 'error not_found';
is $l->{status}, 404, 'status 404';
cmp_ok $l->{aws_calls}, '>=', 1, 'it was looked for';

$l = $line{noroute};
is $l->{route}, '', 'an unknown route: no route';
is $l->{error}, 'not_found', 'error not_found';
is $l->{aws_calls}, 0, 'no backend call';

is $line{invalid}{error}, 'invalid_field', 'an invalid body: error invalid_field';
is $line{invalid}{route}, '/api/tasks', 'route /api/tasks';
is $line{toolarge}{error}, 'payload_too_large', "nginx's own 413, answered by the module: error payload_too_large";
is $line{toolarge}{route}, '', 'no route';

nginx_stop($N);
nginx_clean_ok($N);
done_testing;
