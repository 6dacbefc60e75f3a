#!/usr/bin/perl
# email_channel = ses: SES v2 SendEmail (POST /v2/email/outbound-emails,
# JSON) signed with SigV4 for "ses" by the scheduler's AWS signing code,
# sent to a local stand-in for SES that records what it gets
# (ses_endpoint); no SMTP, no password.  A 5xx or 429 from SES is a failed
# attempt to retry; a refusal (400 MessageRejected) is failed for good.
use strict;
use warnings;
use Test::More;
use File::Temp ();
use JSON::PP ();
use TaskmgrCreds qw(records start_recorder stop_recorder sigv4_problem header write_file);
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $JSON = JSON::PP->new->utf8->canonical;
my $dir = File::Temp->newdir;
my $rec = "$dir/ses.jsonl";
my $status = "$dir/status";
write_file($status, "200\n");

# the stand-in: the status in $status, SES's JSON shapes
my $port = start_recorder($rec, sub {
    open my $f, '<', $status or return (500, 'application/json', '{}');
    chomp(my $st = <$f> // '200');
    return ($st, 'application/json', $st == 200 ? '{"MessageId":"m-1"}'
        : $st == 400 ? '{"message":"Email address is not verified."}' : '{"message":"internal"}');
});
my $from = 'reminders@example.com';
my $conf = conf_with(email_channel => 'ses', sms_channel => 'none',
                     ses_endpoint => "http://127.0.0.1:$port/",
                     mail_from => $from, session_token => 'ses-test-token');

sub sent { map { { %$_, json => eval { $JSON->decode($_->{body}) } } } records($rec) }

my $email = 'ses-' . new_uuid() . '@example.com';
my $sub = put_user(email => $email, prefs => { email => 1, sms => 0 }, first_name => 'Ada',
                   time_zone => 'America/New_York');
# Sunday 09:00 EST, the day New York falls back; the pass the day before
# at 10:00 EDT
my $id = put_task(sub => $sub, title => 'Send me by SES', due => '2033-11-06T14:00:00Z',
                  reminders => [{ before => 'P1D' }]);

my $r = run_once(conf => $conf, now => '2033-11-05T14:00:00Z');
is $r->{rc}, 0, 'exit 0' or diag $r->{err};
my @s = sent();
is scalar(@s), 1, 'one SendEmail call' or diag explain \@s;
my ($n) = notifs($sub, task => $id);
my $nid = substr($n->{EntitySort}{S}, 6);
my $c = $s[0];
is $c->{method}, 'POST', 'POST';
is $c->{path}, '/v2/email/outbound-emails', 'to /v2/email/outbound-emails (the endpoint\'s slash not doubled)';
like header($c->{headers}, 'Content-Type'), qr{^application/json}, 'a JSON body';
is sigv4_problem($c, 'local', 'ses'), undef, 'SigV4 for ses over that path and body verifies (session token signed)';
is header($c->{headers}, 'X-Amz-Security-Token'), 'ses-test-token', 'the session token is sent';
ok !defined header($c->{headers}, 'X-Amz-Target'), 'no X-Amz-Target (a REST API)';
my $j = $c->{json} // {};
is $j->{FromEmailAddress}, $from, 'FromEmailAddress = mail_from';
is_deeply $j->{Destination}, { ToAddresses => [$email] }, 'to the user\'s address only';
my $simple = $j->{Content}{Simple} // {};
is $simple->{Subject}{Data}, 'Send me by SES is due tomorrow at 9:00 AM (America/New_York)',
    'the subject names the task and when, in the user\'s zone across the DST change';
like $simple->{Body}{Text}{Data} // '',
    qr/^Hello Ada,\n\n\QTask "Send me by SES" is due tomorrow at 9:00 AM (America\/New_York).\E\n/,
    'the text body greets and names the task';
like $simple->{Body}{Text}{Data} // '',
    qr/^\QDue:   Sunday, 6 November 2033 at 9:00 AM (America\/New_York)\E$/m, 'the due date in full';
is $simple->{Body}{Text}{Charset}, 'UTF-8', 'UTF-8';
is_deeply $simple->{Headers}, [{ Name => 'X-Taskmgr-Idempotency-Key', Value => "$nid.email" }],
    'the idempotency key in a header';
is $n->{DeliveryEmail}{S}, 'sent', 'DeliveryEmail sent';
is scalar(mails(to => $email)), 0, 'nothing through SMTP';

# SES failing (500): retried later, then sent
write_file($status, "500\n");
my $id2 = put_task(sub => $sub, title => 'Retry me', due => iso(time + 5 * 3600));
$r = run_once(conf => $conf);
is $r->{rc}, 0, 'SES answering 500: exit 0';
($n) = notifs($sub, task => $id2);
is $n->{DeliveryEmail}{S}, 'failed', 'a 500: failed';
ok exists $n->{DeliveryEmailNextAt}, 'with a next attempt';
write_file($status, "200\n");
$r = run_once(conf => $conf, now => iso(time + 120));
($n) = notifs($sub, task => $id2);
is $n->{DeliveryEmail}{S}, 'sent', 'SES back: sent';

# a refusal (an unverified identity, a rejected message): not retried
write_file($status, "400\n");
my $id3 = put_task(sub => $sub, title => 'Refuse me', due => iso(time + 4 * 3600));
$r = run_once(conf => $conf);
($n) = notifs($sub, task => $id3);
is $n->{DeliveryEmail}{S}, 'failed', 'a 400: failed';
ok !exists $n->{DeliveryEmailNextAt}, 'for good: no next attempt';
like $n->{DeliveryEmailError}{S} // '', qr/ses HTTP 400/, 'the error says what SES answered';

# an address that could name a second recipient is never sent
my $before = () = records($rec);
my $bad = put_user(email => 'a@example.com,b@example.com', prefs => { email => 1, sms => 0 });
my $id4 = put_task(sub => $bad, title => 'Two of them', due => iso(time + 3 * 3600));
write_file($status, "200\n");
$r = run_once(conf => $conf);
($n) = notifs($bad, task => $id4);
is $n->{DeliveryEmail}{S}, 'failed', 'a list of addresses: failed';
is scalar(() = records($rec)), $before, 'and SES never called';

stop_recorder($port);
done_testing;
