package ApiNodes;

# Helpers of the API tests that run private nginx nodes (TaskmgrNginx.pm)
# and count what they ask Cognito: a conf edit that logs every Cognito
# subrequest, the JWKS fetches in that log, and GET /api/users/me on a new
# connection each time, so that requests spread over a node's workers.
#
#   my $n = nginx_start(..., logs => ['cognito.log'],
#                       edit => cognito_log_edit("$tmp/b", $more_edit));
#   my $mark = log_mark($n); ... my @f = jwks_fetches($n, $mark);

use strict;
use warnings;

use Exporter 'import';
use HTTP::Tiny ();

use TaskmgrStack qw(json_decode);
use TaskmgrNginx qw(read_lines);

our @EXPORT_OK = qw(cognito_log_edit me statuses jwks_fetches log_mark);
our %EXPORT_TAGS = (all => \@EXPORT_OK);


# an edit for nginx_start: Cognito subrequests logged to $dir/cognito.log
# as "$msec $pid $status $uri", then $more (the same kind of edit) if given
sub cognito_log_edit {
    my ($dir, $more) = @_;
    return sub {
        my ($c, $e) = @_;
        $c =~ s{^(http\s*\{\n)}{$1
    log_format  taskmgr_cognito_calls  '\$msec \$pid \$status \$uri';
}m or push @$e, 'http {';
        $c =~ s{^(\s*location \^~ /_taskmgr/cognito/ \{\n)}{$1            log_subrequest  on;
            access_log      $dir/cognito.log taskmgr_cognito_calls;
}m or push @$e, 'location ^~ /_taskmgr/cognito/';
        return $more ? $more->($c, $e) : $c;
    };
}

# GET /api/users/me with a bearer, on a new connection:
# {status, raw, json, headers}
sub me {
    my ($url, $token) = @_;
    my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 15, agent => 'taskmgr-api-tests');
    my $res = $http->get("$url/api/users/me", { headers => { Authorization => "Bearer $token",
                                                              Accept => 'application/json' } });
    my $r = { status => $res->{status}, raw => $res->{content} // '', headers => $res->{headers} };
    $r->{json} = eval { json_decode($r->{raw}) };
    return $r;
}

# N requests: "200 x7 503 x1"
sub statuses {
    my ($url, $token, $n) = @_;
    my %s;
    $s{ me($url, $token)->{status} }++ for 1 .. $n;
    return join ' ', map { "$_ x$s{$_}" } sort keys %s;
}

# JWKS fetches in a node's log from line FROM on: [{t, pid, status}]
sub jwks_fetches {
    my ($n, $from) = @_;
    my @l = read_lines("$n->{dir}/cognito.log");
    return grep { $_->{uri} =~ m{/\.well-known/jwks\.json$} }
           map { /^(\S+) (\d+) (\d+) (\S+)$/ ? { t => $1, pid => $2, status => $3, uri => $4 } : { uri => $_ } }
           @l[($from // 0) .. $#l];
}

sub log_mark { scalar(my @l = read_lines("$_[0]{dir}/cognito.log")) }

1;
