#!/usr/bin/perl
# The lease of a send in flight.  A scheduler held inside an SMTP exchange
# (a relay that accepts the connection and never says a word) has claimed
# the email: the item says "sending" until now + send_lease (seconds, not
# milliseconds: race.t alone would not tell, two schedulers rarely meet on
# one item), and another scheduler's pass during the lease sends nothing.
# The held one is then killed; once the lease has ended the email goes out,
# once.
use strict;
use warnings;
use Test::More;
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $LEASE = 90;     # s; longer than anything below takes

# a relay that takes connections and answers nothing (60 s at most)
sub start_silent_smtp {
    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 16, ReuseAddr => 1)
        or die "bind: $!\n";
    my $port = $srv->sockport;
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        my @held;
        $SIG{ALRM} = sub { POSIX::_exit(0) };
        alarm 60;
        while (my $c = $srv->accept) { push @held, $c }
        POSIX::_exit(0);
    }
    close $srv;
    return ($port, $pid);
}

my ($silent_port, $silent_pid) = start_silent_smtp();
END { my $rc = $?; if ($silent_pid) { kill "KILL", $silent_pid; waitpid $silent_pid, 0 } $? = $rc }

# what earlier files left owed goes first, so that the held pass meets
# this file's email and nothing else
is run_once(timeout => 60)->{rc}, 0, 'a pass drains what is owed already';

my $email = 'lease-' . new_uuid() . '@example.com';
my $sub = put_user(email => $email, prefs => { email => 1 });
my $id = put_task(sub => $sub, title => 'Renew the lease', due => iso(time + 2 * 3600));

sub reminder {
    my ($n) = notifs($sub, task => $id, type => 'task_due');
    return $n;
}

# ---- held in the SMTP exchange, after the claim
my $t_claim = Time::HiRes::time();
my $held = start_daemon(once => 1, conf => conf_with(smtp_url => "smtp://127.0.0.1:$silent_port",
                                                     http_timeout => '40s', send_lease => "${LEASE}s"));
ok wait_until(30, sub { my $n = reminder(); $n && ($n->{DeliveryEmail}{S} // '') eq 'sending' }),
   'the held scheduler claimed the email' or diag explain [daemon_lines($held)];
my $t_seen = Time::HiRes::time();
my $n = reminder() // {};
is $n->{DeliveryEmailAttempts}{N}, 1, 'first attempt';
my $until = iso_epoch($n->{DeliveryEmailNextAt}{S});
ok defined $until, "DeliveryEmailNextAt is a time: " . ($n->{DeliveryEmailNextAt}{S} // 'none');
$until //= 0;
cmp_ok $until, '>=', $t_claim + $LEASE - 1, 'the lease runs send_lease seconds from the claim (not before)';
cmp_ok $until, '<=', $t_seen + $LEASE + 1, 'the lease runs send_lease seconds from the claim (not after)';
is $n->{OutboxAt}{S}, $n->{DeliveryEmailNextAt}{S}, 'the outbox marker waits for the lease too';
ok kill(0, $held->{pid}), 'the held scheduler is still in the SMTP exchange';

# ---- another scheduler during the lease
{
    my $r = run_once(conf => conf_with(send_lease => "${LEASE}s"), timeout => 60);
    is $r->{rc}, 0, 'a second pass during the lease: exit 0' or diag $r->{err};
    my @sent = grep { $_->{event} eq 'delivered' && ($_->{sk} // '') =~ /^NOTIF_/ } @{ $r->{lines} };
    my $mine = reminder() // {};
    is scalar(grep { $_->{sk} eq ($mine->{EntitySort}{S} // '') } @sent), 0, 'it delivered nothing of ours';
    is scalar(mails(to => $email)), 0, 'no mail reached the relay';
    is $mine->{DeliveryEmail}{S}, 'sending', 'the email is still the held one\'s';
    is $mine->{DeliveryEmailAttempts}{N}, 1, 'with one attempt';
    is $mine->{DeliveryEmailNextAt}{S}, $n->{DeliveryEmailNextAt}{S}, 'and the same lease';
}

# ---- the held one dies; past the lease the email goes out once
is stop_daemon($held, 'KILL', 10), 9, 'the held scheduler is killed (SIGKILL)';
{
    my $r = run_once(now => iso($until + 5), timeout => 60);
    is $r->{rc}, 0, 'a pass after the lease: exit 0' or diag $r->{err};
    my @m = mails(to => $email);
    is scalar(@m), 1, 'one mail';
    my $after = reminder() // {};
    is $after->{DeliveryEmail}{S}, 'sent', 'the email is sent';
    is $after->{DeliveryEmailAttempts}{N}, 2, 'on the second attempt';
    $r = run_once(now => iso($until + 3 * $LEASE), timeout => 60);
    is scalar(mails(to => $email)), 1, 'and not again on a later pass';
}

done_testing;
