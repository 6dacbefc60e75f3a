package TaskmgrNginx;
# Private nginx instances for API tests that need nginx processes of their
# own beside the suite's (credentials endpoints, a second node, a short
# cache lifetime): each runs a conf derived from the suite's
# ($TASKMGR_RUN_DIR/nginx.conf) in a directory of its own, on a free port,
# against the suite's dynalite and cognito-local, under the sanitizers as
# scripts/stack.sh starts nginx when SANITIZE=1.
#
#   my $n = nginx_start(name => 'b', tmp => $dir, workers => 2,
#                       logs => ['jwks.log'], edit => sub { ... });
#   ... $n->{url} ...
#   nginx_stop($n); nginx_clean_ok($n);
#
# edit gets the conf text (the common changes made) and a list to push the
# name of any change it could not make onto; it returns the new text.
# What was started is stopped at exit.
use strict;
use warnings;
use Exporter 'import';
use IO::Socket::INET ();
use POSIX ();
use Test::More ();
use Time::HiRes ();

our @EXPORT_OK = qw(
    free_ports slurp read_lines children_of suite_nginx_ok
    nginx_start nginx_stop nginx_reload nginx_clean_ok
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $SAN = ($ENV{SANITIZE} // '') eq '1';
my %started;       # pid -> instance

sub free_ports {
    my @s = map { IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
                      or die "bind: $!" } 1 .. $_[0];
    my @p = map { $_->sockport } @s;
    close $_ for @s;
    return @p;
}

sub slurp { my ($f) = @_; open my $fh, '<:raw', $f or return ''; local $/; return scalar <$fh> }

sub read_lines {
    my ($file) = @_;
    open my $fh, '<', $file or return ();
    my @l = <$fh>;
    chomp @l;
    return @l;
}

sub children_of {
    my ($ppid) = @_;
    opendir my $d, '/proc' or return ();
    return grep { slurp("/proc/$_/stat") =~ /\)\s+\S+\s+(\d+)/ && $1 == $ppid } grep { /^\d+$/ } readdir $d;
}

# the suite's stack runs nginx with a conf these tests can derive from
sub suite_nginx_ok {
    my $run = $ENV{TASKMGR_RUN_DIR};
    return $run && -f "$run/nginx.conf" && ($ENV{TASKMGR_NGINX} // '') eq '1'
        && system('nginx -v >/dev/null 2>&1') == 0;
}

sub _conf {
    my ($n, %o) = @_;
    my $dir = $n->{dir};
    my $c = slurp("$ENV{TASKMGR_RUN_DIR}/nginx.conf");
    my $w = $o{workers} // 1;
    my @e;
    $c =~ s/^worker_processes\s+\d+;/worker_processes  $w;/m                  or push @e, 'worker_processes';
    $c =~ s/^pid\s+\S+;/pid               $dir\/nginx.pid;/m                  or push @e, 'pid';
    $c =~ s/^error_log\s+\S+\s+\w+;/error_log         $dir\/error.log info;/m or push @e, 'error_log';
    $c =~ s/^(\s*)access_log\s+\S+(\s+\w+)?;/$1access_log  $dir\/access.log$2;/m or push @e, 'access_log';
    my $t = $c =~ s/^(\s*)(\w+)_temp_path\s+\S+;/$1$2_temp_path  $dir\/tmp\/$2;/mg;
    push @e, 'temp paths' unless $t == 5;
    $c =~ s/^(\s*listen\s+)127\.0\.0\.1:\d+;/${1}127.0.0.1:$n->{port};/m      or push @e, 'listen';
    $c = $o{edit}->($c, \@e) if $o{edit};
    die "cannot derive a conf from $ENV{TASKMGR_RUN_DIR}/nginx.conf: not found: @e\n" if @e;
    return $c;
}

# as scripts/stack.sh starts nginx with SANITIZE=1
sub _env {
    return () unless $SAN;
    my ($dir) = @_;
    chomp(my $asan = `gcc -print-file-name=libasan.so`);
    chomp(my $ubsan = `gcc -print-file-name=libubsan.so`);
    return (LD_PRELOAD    => "$asan $ubsan",
            ASAN_OPTIONS  => "detect_leaks=0:log_path=$dir/sanitizer/asan:abort_on_error=0",
            UBSAN_OPTIONS => "print_stacktrace=1:log_path=$dir/sanitizer/ubsan");
}

sub _wait_port {
    my ($n, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    until (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $n->{port}, Proto => 'tcp')) {
        die "nginx $n->{name} exited while starting:\n" . slurp("$n->{dir}/error.log")
            if waitpid($n->{pid}, POSIX::WNOHANG()) == $n->{pid};
        die "nginx $n->{name} does not answer on $n->{port}\n" if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.05);
    }
}

# name, tmp (the parent directory), workers (1), logs (more files its
# workers write), edit (see above); dies when it cannot start
sub nginx_start {
    my (%o) = @_;
    my $dir = "$o{tmp}/$o{name}";
    my ($port) = free_ports(1);
    for my $d ($dir, "$dir/tmp", map("$dir/tmp/$_", qw(body proxy fastcgi uwsgi scgi)), "$dir/sanitizer") {
        mkdir $d;
        chmod 01777, $d;    # nginx workers run as nobody when the master is root
    }
    for my $f ('error.log', 'access.log', @{ $o{logs} || [] }) {
        open my $fh, '>>', "$dir/$f" or die "$dir/$f: $!";
        close $fh;
        chmod 0666, "$dir/$f";
    }
    my $n = { name => $o{name}, dir => $dir, port => $port, url => "http://127.0.0.1:$port",
              conf => "$dir/nginx.conf" };
    open my $fh, '>', $n->{conf} or die "$n->{conf}: $!";
    print $fh _conf($n, %o);
    close $fh;
    my %env = _env($dir);
    my $out;
    {
        local @ENV{ keys %env } = values %env;
        $out = `nginx -t -q -p '$dir' -c '$n->{conf}' -e '$dir/error.log' 2>&1`;
    }
    die "nginx -t failed for $n->{conf}:\n$out" if $?;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        @ENV{ keys %env } = values %env;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/nginx.stdout";
        open STDERR, '>&', \*STDOUT;
        { exec 'nginx', '-p', $dir, '-c', $n->{conf}, '-e', "$dir/error.log" }
        POSIX::_exit(127);
    }
    $n->{pid} = $pid;
    $started{$pid} = $n;
    _wait_port($n, 15);
    return $n;
}

# SIGHUP: new workers with the same conf (the old ones finish and go);
# returns once the old workers have left
sub nginx_reload {
    my ($n) = @_;
    my %old = map { $_ => 1 } children_of($n->{pid});
    kill 'HUP', $n->{pid};
    my $deadline = Time::HiRes::time() + 15;
    while (Time::HiRes::time() < $deadline) {
        my @now = children_of($n->{pid});
        return 1 if @now && !grep { $old{$_} } @now;
        Time::HiRes::sleep(0.05);
    }
    return 0;
}

sub nginx_stop {
    my ($n) = @_;
    my $pid = $n->{pid} or return;
    kill 'TERM', $pid;
    my $deadline = Time::HiRes::time() + 10;
    while (waitpid($pid, POSIX::WNOHANG()) == 0) {
        if (Time::HiRes::time() > $deadline) {
            kill 'KILL', $pid;
            waitpid $pid, 0;
            last;
        }
        Time::HiRes::sleep(0.05);
    }
    delete $started{$pid};
    undef $n->{pid};
}

# after nginx_stop: no crash, alert or emerg in its error.log, and (with
# SANITIZE=1) no sanitizer report
sub nginx_clean_ok {
    my ($n) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @bad = grep { /exited on signal|\[(?:alert|emerg)\]/ } split /\n/, slurp("$n->{dir}/error.log");
    Test::More::is_deeply(\@bad, [], "nginx $n->{name}: error.log reports no crash, alert or emerg");
    if ($SAN) {
        my @san = glob "$n->{dir}/sanitizer/*san*";
        Test::More::is_deeply(\@san, [], "nginx $n->{name}: no sanitizer reports")
            or Test::More::diag(map { slurp($_) } @san);
    }
}

END {
    my $rc = $?;
    nginx_stop($_) for values %started;
    $? = $rc;
}

1;
