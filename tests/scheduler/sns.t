#!/usr/bin/perl
# email_channel = sns, sms_channel = sns: SigV4-signed SNS Publish (query
# protocol) to the topic of the notification's type and channel, with the
# recipient and the idempotency key in the message attributes, sent to a
# local stand-in for SNS that records what it gets (sns_endpoint).  A 5xx
# from SNS is a failed attempt to retry, not a send.  A digest goes to the
# due email topic.
use strict;
use warnings;
use Test::More;
use IO::Socket::INET;
use POSIX ();
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $web = stack_env('TASKMGR_URL');

my $JSON = JSON::PP->new->utf8->canonical;
my $rec = File::Temp->new;
my $status_file = File::Temp->new;
print $status_file "200\n";
close $status_file;

# the stand-in: one request per connection, recorded as a JSON line; it
# answers with the status in $status_file
my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 16, ReuseAddr => 1)
    or die "bind: $!\n";
my $port = $srv->sockport;
my $stub = fork // die;
if (!$stub) {
    my $deadline = time + 300;
    while (time < $deadline) {
        my $c = $srv->accept or next;
        my ($head, %h) = ('');
        while (my $l = <$c>) {
            last if $l =~ /^\r?\n$/;
            $head .= $l;
            $h{lc $1} = $2 if $l =~ /^([^:]+):\s*(.*?)\r?\n$/;
        }
        my $body = '';
        read $c, $body, $h{'content-length'} // 0;
        open my $f, '>>', $rec->filename or die;
        print $f $JSON->encode({ head => $head, headers => \%h, body => $body }), "\n";
        close $f;
        open my $s, '<', $status_file->filename or die;
        chomp(my $st = <$s> // '200');
        close $s;
        my $xml = $st == 200
            ? '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>'
            : '<ErrorResponse><Error><Code>InternalError</Code></Error></ErrorResponse>';
        print $c "HTTP/1.1 $st X\r\nContent-Type: text/xml\r\nContent-Length: " . length($xml)
            . "\r\nConnection: close\r\n\r\n$xml";
        close $c;
    }
    POSIX::_exit(0);
}
close $srv;

sub unescape {
    my ($s) = @_;
    $s =~ s/\+/ /g;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}

sub published {
    open my $f, '<', $rec->filename or return ();
    my @r = map { $JSON->decode($_) } <$f>;
    close $f;
    for my $r (@r) {
        my %form = map { my ($k, $v) = split /=/, $_, 2; (unescape($k), unescape($v // '')) }
            split /&/, $r->{body};
        $r->{form} = \%form;
        my %attr;
        for my $i (1 .. 20) {
            my $n = $form{"MessageAttributes.entry.$i.Name"} // last;
            $attr{$n} = $form{"MessageAttributes.entry.$i.Value.StringValue"};
        }
        $r->{attr} = \%attr;
    }
    return @r;
}

my $prefix = 'arn:aws:sns:us-east-1:123456789012:';
my $conf = conf_with(email_channel => 'sns', sms_channel => 'sns',
                     sns_endpoint => "http://127.0.0.1:$port",
                     sns_topic_arn_prefix => $prefix);

my $email = 'sns-' . new_uuid() . '@example.com';
my $phone = unique_phone();
my $sub = put_user(email => $email, phone => $phone,
                   prefs => { email => 1, sms => 1, completedEmail => 1, completedSms => 1 },
                   time_zone => 'Europe/Berlin');
# a date without a time (23:59 local, as the web app stores it) on the
# Sunday Berlin springs forward (CEST), reminded at 23:30 the day before
# (CET)
my $id = put_task(sub => $sub, title => 'Publish me', due => '2032-03-28T21:59:00Z',
                  reminders => [{ at => '2032-03-27T22:30:00Z' }]);

my $r = run_once(conf => $conf, now => '2032-03-27T22:30:00Z');
is $r->{rc}, 0, 'exit 0' or diag $r->{err};
my @p = published();
is scalar(@p), 2, 'two Publish calls (email, SMS)' or diag explain \@p;
my ($n) = notifs($sub, task => $id);
my $nid = substr($n->{EntitySort}{S}, 6);

my ($e) = grep { ($_->{attr}{channel} // '') eq 'email' } @p;
my ($s) = grep { ($_->{attr}{channel} // '') eq 'sms' } @p;
for ([email => $e], [sms => $s]) {
    my ($ch, $p) = @$_;
    ok $p, "$ch: published" or next;
    is $p->{form}{Action}, 'Publish', "$ch: Action=Publish";
    is $p->{form}{Version}, '2010-03-31', "$ch: Version";
    like $p->{headers}{'content-type'}, qr{^application/x-www-form-urlencoded}, "$ch: a form POST";
    like $p->{headers}{authorization} // '',
        qr{^AWS4-HMAC-SHA256 Credential=local/\d{8}/us-east-1/sns/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$},
        "$ch: SigV4-signed for sns";
    like $p->{headers}{'x-amz-date'} // '', qr/^\d{8}T\d{6}Z$/, "$ch: X-Amz-Date";
    is $p->{attr}{notification_id}, $nid, "$ch: notification_id attribute";
    is $p->{attr}{idempotency_key}, "$nid.$ch", "$ch: idempotency_key attribute";
    is $p->{attr}{type}, 'task_due', "$ch: type attribute";
    is $p->{attr}{task_id}, $id, "$ch: task_id attribute";
    like $p->{form}{Message}, qr/\QTask "Publish me" is due tomorrow.\E/,
        "$ch: the message names the task and the day, without a time";
}
like $e->{form}{Message}, qr/^\QDue:   Sunday, 28 March 2032\E$/m, 'email: the due day in full';
is $s->{form}{Message}, "taskmgr: Task \"Publish me\" is due tomorrow. $web/tasks?task=$id",
    'sms: the whole text';
is $e->{form}{TopicArn}, "${prefix}TaskDueNotificationsEmailTopic", 'email: the due email topic';
is $e->{attr}{recipient}, $email, 'email: recipient = the email address';
is $e->{form}{Subject}, 'Publish me is due tomorrow', 'email: the Subject says when';
is $s->{form}{TopicArn}, "${prefix}TaskDueNotificationsSMSTopic", 'sms: the due SMS topic';
is $s->{attr}{recipient}, $phone, 'sms: recipient = the phone number';
is $n->{DeliveryEmail}{S}, 'sent', 'DeliveryEmail sent';
is $n->{DeliverySms}{S}, 'sent', 'DeliverySms sent';

# a completion: the completed topics; SNS failing first (500): retried
open my $sf, '>', $status_file->filename or die;
print $sf "500\n";
close $sf;
my $done = put_task(sub => $sub, title => 'Done soon', status => 'completed');
my $at = iso_ms(time - 1);
ddb_ok(UpdateItem => { TableName => stack_env('TASKMGR_TABLE'),
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$done" } },
    UpdateExpression => 'SET OutboxShard = :s, OutboxAt = :a, TaskCompletedAt = :a',
    ExpressionAttributeValues => { ':s' => { S => outbox_shard($done) }, ':a' => { S => $at } } });
$r = run_once(conf => $conf);
is $r->{rc}, 0, 'SNS answering 500: exit 0';
($n) = notifs($sub, task => $done, type => 'task_completed');
is $n->{DeliveryEmail}{S}, 'failed', 'a 500: the email is failed, to retry';
ok exists $n->{DeliveryEmailNextAt}, 'with a next attempt';

open $sf, '>', $status_file->filename or die;
print $sf "200\n";
close $sf;
$r = run_once(conf => $conf, now => iso(time + 120));
($n) = notifs($sub, task => $done, type => 'task_completed');
is $n->{DeliveryEmail}{S}, 'sent', 'SNS back: sent';
my @c = grep { ($_->{attr}{type} // '') eq 'task_completed' } published();
my %topics = map { $_->{form}{TopicArn} => 1 } @c;
ok $topics{"${prefix}TaskCompletedNotificationsEmailTopic"}, 'to the completed email topic';
ok $topics{"${prefix}TaskCompletedNotificationsSMSTopic"}, 'and the completed SMS topic';

# a digest: the due email topic, no task_id attribute (SNS refuses an
# empty value)
my $dmail = 'sns-digest-' . new_uuid() . '@example.com';
my $dsub = put_user(email => $dmail, prefs => { email => 1 },
                    digest => { time => '07:30', armed => '2032-05-03T06:00:00Z' });
put_task(sub => $dsub, title => 'In the digest', due => '2032-05-03T12:00:00Z', reminders => []);
$r = run_once(conf => $conf, now => '2032-05-03T07:30:00Z');
is $r->{rc}, 0, 'a digest by SNS: exit 0' or diag $r->{err};
my ($d) = grep { ($_->{attr}{type} // '') eq 'digest' && $_->{attr}{recipient} eq $dmail } published();
ok $d, 'published' or diag explain [published()];
is $d && $d->{form}{TopicArn}, "${prefix}TaskDueNotificationsEmailTopic", 'to the due email topic';
is $d && $d->{form}{Subject}, 'Your tasks for Monday, 3 May 2032: 1 due', 'its subject';
ok $d && !exists $d->{attr}{task_id}, 'no task_id attribute';

kill 'TERM', $stub;
waitpid $stub, 0;
done_testing;
