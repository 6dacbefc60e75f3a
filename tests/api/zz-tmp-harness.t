use strict; use warnings; use Test::More;
use TaskmgrStack qw(:all);
my $e = unique_email('Harness Test'); like $e, qr/^harness-test-\d+-\d+-\d+-[0-9a-f]{4}\@example\.com$/, $e;
isnt unique_email(), unique_email(), 'unique';
my $r = cognito(SignUp => {ClientId => $ENV{TASKMGR_CLIENT_ID}, Username => $e, Password => strong_password(),
   UserAttributes => [{Name => 'email', Value => $e}, {Name=>'given_name', Value=>'A'}]});
is $r->{status}, 200, 'signup' or diag $r->{raw};
my $code = confirmation_code_for($e);
like $code, qr/^\d{6}$/, "code $code";
$r = cognito(ConfirmSignUp => {ClientId => $ENV{TASKMGR_CLIENT_ID}, Username => $e, ConfirmationCode => $code});
is $r->{status}, 200, 'confirm with parsed code' or diag $r->{raw};
is confirmation_code_for('nobody@example.com', 0.2), undef, 'no code for unknown';
$r = dynamodb(DescribeTable => {TableName => 'TaskManager'});
is $r->{json}{Table}{TableStatus}, 'ACTIVE';
# cookie jar
my $c = TaskmgrStack::Client->new;
$c->take_cookies({headers => {'set-cookie' => ['access=AAA; Path=/; HttpOnly; SameSite=Strict', 'refresh=RRR; Path=/api/users/refresh; HttpOnly']}});
is $c->cookie('access'), 'AAA'; ok $c->cookie_attrs('access')->{httponly}; is $c->cookie_attrs('access')->{samesite}, 'Strict';
is_deeply [$c->header_pairs('/api/tasks')], ['access=AAA'];
is_deeply [$c->header_pairs('/api/users/refresh')], ['access=AAA', 'refresh=RRR'];
is_deeply [$c->header_pairs('/api/users/refreshX')], ['access=AAA'];
$c->take_cookies({headers => {'set-cookie' => 'access=; Path=/; Max-Age=0'}});
is $c->cookie('access'), undef, 'deleted by max-age';
$c->take_cookies({headers => {'set-cookie' => 'refresh=; Path=/api/users/refresh; Expires=Thu, 01 Jan 1970 00:00:00 GMT'}});
is_deeply [$c->cookie_names], [], 'deleted by expires';
# api against a non-JSON endpoint: cognito-local's jwks via absolute URL
$r = api(GET => "$ENV{TASKMGR_COGNITO_URL}/$ENV{TASKMGR_USER_POOL_ID}/.well-known/jwks.json");
is $r->{status}, 200; is $r->{json}{keys}[0]{kid}, 'CognitoLocal' or diag explain $r;
$r = api(GET => "http://127.0.0.1:1/x");
is $r->{status}, 599, 'connection refused is 599';
done_testing;
