package TaskmgrFaults;
# The fault suite's tools (tests/faults/): the stack's backends paused,
# killed and started again, nginx reloaded, all under a load of clients
# that record every answer.
#
#   my $load = load_start(users => [...], dir => $tmp);   # forks clients
#   pause('dynalite'); ...; resume('dynalite');
#   restart('dynalite', sub { ... while it is down ... });
#   my @a = load_stop($load);   # [{t, client, op, status, id}]
#
# Backends are found in the stack's $TASKMGR_RUN_DIR/pids ("name pid
# starttime"); one started again here is recorded there too, so that
# scripts/stack.sh stop stops it.
use strict;
use warnings;
use Exporter 'import';
use HTTP::Tiny ();
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes ();

use TaskmgrStack qw(base_url json_decode json_encode stack_env);
use TaskmgrNginx qw(slurp read_lines);

our @EXPORT_OK = qw(backend_pid pause resume restart port_open wait_port
                    nginx_master reload load_start load_stop first_ok_after);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

sub run_dir { $ENV{TASKMGR_RUN_DIR} or die "TASKMGR_RUN_DIR is not set\n" }

sub _starttime {
    my ($pid) = @_;
    my $s = slurp("/proc/$pid/stat") or return;
    $s =~ s/^.*\)\s+//s;
    return (split ' ', $s)[19];
}

# the live pid of a backend the stack started (the last record that lives)
sub backend_pid {
    my ($name) = @_;
    my $pid;
    for (read_lines(run_dir() . '/pids')) {
        my ($n, $p, $t) = split ' ';
        $pid = $p if $n eq $name && (_starttime($p) // '') eq ($t // '');
    }
    return $pid;
}

sub pause  { kill 'STOP', backend_pid($_[0]) or die "cannot stop $_[0]\n" }
sub resume { kill 'CONT', backend_pid($_[0]) or die "cannot continue $_[0]\n" }

sub port_open {
    my ($port) = @_;
    return !!IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp', Timeout => 1);
}

sub wait_port {
    my ($port, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    until (port_open($port)) {
        return 0 if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.02);
    }
    return 1;
}

# SIGKILL, then DURING (while it is down), then the same program started
# again: argv, cwd and environment as before, output to its log; returns
# the moment its port answers again
sub restart {
    my ($name, $port, $during) = @_;
    my $pid = backend_pid($name) or die "no live $name\n";
    my @argv = split /\0/, slurp("/proc/$pid/cmdline");
    my %env = map { /^([^=]+)=(.*)$/s ? ($1 => $2) : () } split /\0/, slurp("/proc/$pid/environ");
    my $cwd = readlink "/proc/$pid/cwd";
    my $log = readlink "/proc/$pid/fd/1";
    kill 'KILL', $pid;
    for (1 .. 100) { last unless kill 0, $pid; Time::HiRes::sleep(0.02) }
    $during->() if $during;
    my $new = fork // die "fork: $!";
    if (!$new) {
        POSIX::setsid();
        chdir $cwd if defined $cwd;
        %ENV = %env;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $log // '/dev/null';
        open STDERR, '>&', \*STDOUT;
        { exec { $argv[0] } @argv }
        POSIX::_exit(127);
    }
    Time::HiRes::sleep(0.05);
    open my $fh, '>>', run_dir() . '/pids' or die "pids: $!";
    print $fh "$name $new " . (_starttime($new) // 0) . "\n";
    close $fh;
    wait_port($port, 30) or die "$name does not answer on $port after a restart\n";
    return Time::HiRes::time();
}

sub nginx_master {
    my $p = slurp(run_dir() . '/nginx.pid');
    chomp $p;
    return $p;
}

# SIGHUP; returns once the old workers are gone
sub reload {
    my $master = nginx_master();
    my %old = map { $_ => 1 } _children($master);
    kill 'HUP', $master;
    my $deadline = Time::HiRes::time() + 20;
    while (Time::HiRes::time() < $deadline) {
        my @now = _children($master);
        return 1 if @now && !grep { $old{$_} } @now;
        Time::HiRes::sleep(0.05);
    }
    return 0;
}

sub _children {
    my ($ppid) = @_;
    opendir my $d, '/proc' or return ();
    return grep { ((slurp("/proc/$_/stat") =~ /\)\s+\S+\s+(\d+)/)[0] // -1) == $ppid } grep { /^\d+$/ } readdir $d;
}

my %loads;    # running: stopped at exit, whatever happened

END {
    my $rc = $?;
    for my $l (values %loads) {
        kill 'TERM', @{ $l->{pids} };
        waitpid $_, 0 for @{ $l->{pids} };
    }
    $? = $rc;
}

# clients, one per user ({token}), each looping: create a task, read it,
# list; every answer recorded as "t client op status id" in dir/load-N
sub load_start {
    my (%o) = @_;
    my $stop = "$o{dir}/load-stop";
    unlink $stop;
    my @pids;
    my $i = 0;
    for my $u (@{ $o{users} }) {
        my $n = $i++;
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 15, agent => 'taskmgr-faults');
            my %h = (Authorization => "Bearer $u->{token}", Accept => 'application/json');
            open my $out, '>', "$o{dir}/load-$n" or POSIX::_exit(1);
            $out->autoflush(1);
            my $seq = 0;
            my $last;
            # a keep-alive connection that an old worker closes at a reload
            # as a request goes out on it: a browser sends it again once
            my $req = sub {
                my $r = $http->request(@_);
                $r = $http->request(@_) if $r->{status} == 599;
                return $r;
            };
            until (-e $stop) {
                my $title = "load $n " . $seq++;
                my $r = $req->(POST => base_url() . '/api/tasks', { headers => { %h, 'Content-Type' => 'application/json',
                                    'X-Requested-With' => 'XMLHttpRequest' }, content => json_encode({ title => $title }) });
                my $id = $r->{status} == 201 ? eval { json_decode($r->{content})->{task}{id} } : undef;
                printf $out "%.3f %d create %d %s %s\n", Time::HiRes::time(), $n, $r->{status}, $id // '-', $title;
                $last = $id if $id;
                if ($last) {
                    $r = $req->(GET => base_url() . "/api/tasks/$last", { headers => \%h });
                    printf $out "%.3f %d get %d %s -\n", Time::HiRes::time(), $n, $r->{status}, $last;
                }
                $r = $req->(GET => base_url() . '/api/tasks?limit=5', { headers => \%h });
                printf $out "%.3f %d list %d - -\n", Time::HiRes::time(), $n, $r->{status};
                Time::HiRes::sleep(0.01);
            }
            close $out;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    my $load = { pids => \@pids, dir => $o{dir}, stop => $stop, n => $i };
    $loads{$load} = $load;
    return $load;
}

sub load_stop {
    my ($load) = @_;
    delete $loads{$load};
    open my $fh, '>', $load->{stop} or die "$load->{stop}: $!";
    close $fh;
    waitpid $_, 0 for @{ $load->{pids} };
    my @a;
    for my $n (0 .. $load->{n} - 1) {
        for (read_lines("$load->{dir}/load-$n")) {
            my ($t, $c, $op, $st, $id, $title) = split ' ', $_, 6;
            push @a, { t => $t, client => $c, op => $op, status => $st, id => $id eq '-' ? undef : $id,
                       title => $title };
        }
    }
    return sort { $a->{t} <=> $b->{t} } @a;
}

# the first answer of 2xx at or after T (per client, the latest of them):
# how long until every client was served again
sub first_ok_after {
    my ($t, @answers) = @_;
    my %first;
    for my $a (@answers) {
        next if $a->{t} < $t || $a->{status} !~ /^2/;
        $first{ $a->{client} } //= $a->{t};
    }
    return %first;
}

1;
