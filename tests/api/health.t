#!/usr/bin/perl
# GET /api/health: DynamoDB and Cognito reachability, no auth needed.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);

my $r = api(GET => '/api/health');
spec_ok(GET => '/api/health', $r);
is $r->{status}, 200, 'health answers 200 with both stand-ins up'
    or diag $r->{raw};
is_deeply $r->{json}, { status => 'ok', dynamodb => 'ok', cognito => 'ok', events => 'ok' },
    'status, dynamodb and cognito are ok'
    or diag explain $r->{json};
like $r->{headers}{'content-type'} // '', qr{^application/json}, 'Content-Type application/json';
like $r->{headers}{'cache-control'} // '', qr/\bno-store\b/, 'Cache-Control no-store';

# no session needed, and cookies or a bogus bearer do not change that
$r = api(GET => '/api/health', undef, { bearer => 'not-a-token', cookies => { tm_access => 'junk' } });
spec_ok(GET => '/api/health', $r);
is $r->{status}, 200, 'a bogus token does not matter to health';

# a query string is not a different route
$r = api(GET => '/api/health?verbose=1');
spec_ok(GET => '/api/health', $r);
is $r->{status}, 200, 'health with a query string';

done_testing;
