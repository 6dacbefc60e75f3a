#!/usr/bin/perl
# Quiet hours and the per-event channels (common/tm_channels.c), set
# through the API: a reminder that fires inside the user's quiet hours
# (22:00-07:00 in Berlin, across midnight) is in the app at once, its email
# and SMS go out at 07:00 local and not before; a delivery owed when the
# user has since set quiet hours is held at sending too; a completion the
# scheduler finishes emails or texts the user only if completedEmail /
# completedSms say so (and the master switch).
use strict;
use warnings;
use Test::More;
use POSIX ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');
my $TRUE = JSON::PP::true();

sub once_ok {
    my ($name, %o) = @_;
    my $r = run_once(%o);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    return $r;
}

subtest 'a reminder at 22:30 in Berlin: in-app at once, email and SMS at 07:00' => sub {
    my $phone = unique_phone();
    my $u = register_with_prefs(tag => 'quiet', email => 1, sms => 1, phone => $phone,
                                time_zone => 'Europe/Berlin',
                                patch => { quietHours => { start => '22:00', end => '07:00' } });
    my ($sub, $email) = @$u{qw(sub email)};
    # Sunday 10 January 2027, CET (UTC+1): due Monday 08:00, reminded at
    # 22:30 the evening before
    my $r = api(POST => '/api/tasks', { title => 'Take the bins out', dueDate => '2027-01-11T07:00:00Z',
                                        reminders => [{ at => '2027-01-10T21:30:00Z' }] },
                { bearer => $u->{token} });
    is $r->{status}, 201, 'the task, through the API' or diag $r->{raw};
    my $id = $r->{json}{task}{id};
    once_ok('the pass at 22:30', now => '2027-01-10T21:30:00Z');
    my ($n) = notifs($sub, task => $id, type => 'task_due');
    ok $n, 'the in-app notification is written at once' or return;
    is $n->{Message}{S}, 'Task "Take the bins out" is due tomorrow at 8:00 AM (Europe/Berlin)',
        'its message, in the user\'s zone';
    is $n->{DeliveryEmail}{S}, 'pending', 'email owed';
    is $n->{DeliverySms}{S}, 'pending', 'SMS owed';
    is $n->{OutboxAt}{S}, '2027-01-11T06:00:00.000Z', 'from 07:00 local: the end of the quiet hours';
    is scalar(mails(to => $email)), 0, 'no mail in the evening';
    is scalar(sms_lines(to => $phone)), 0, 'no SMS';

    once_ok('a pass at 00:30', now => '2027-01-10T23:30:00Z');
    once_ok('a pass at 06:59', now => '2027-01-11T05:59:00Z');
    is scalar(mails(to => $email)), 0, 'still no mail at 06:59';
    is scalar(sms_lines(to => $phone)), 0, 'nor SMS';

    once_ok('a pass at 07:00', now => '2027-01-11T06:00:00Z');
    my @m = mails(to => $email);
    is scalar(@m), 1, 'the mail at 07:00';
    is $m[0] && $m[0]{subject}, 'Take the bins out is due today at 8:00 AM (Europe/Berlin)',
        'made when sent: "today"';
    is scalar(sms_lines(to => $phone)), 1, 'the SMS at 07:00';
    ($n) = notifs($sub, task => $id, type => 'task_due');
    is $n->{DeliveryEmail}{S} . '/' . $n->{DeliverySms}{S}, 'sent/sent', 'both recorded sent';
    ok !exists $n->{OutboxShard}, 'out of the outbox';
};

subtest 'quiet hours set after the notification was written: held at sending' => sub {
    my $email = 'quiet2-' . new_uuid() . '@example.com';
    my $sub = put_user(email => $email, prefs => { email => 1 });
    my $nid = join '', map { sprintf '%x', int rand 16 } 1 .. 32;
    my $now = time;
    ddb_ok(PutItem => { TableName => $TABLE, Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "NOTIF_$nid" },
        Type => { S => 'task_due' }, TaskId => { S => new_uuid() }, TaskTitle => { S => 'held' },
        Message => { S => 'Task "held"' }, NotificationTimestamp => { S => iso_ms($now - 5) },
        Notif_isRead => { BOOL => JSON::PP::false() }, NotificationExpiry => { N => '' . ($now + 86400) },
        DeliveryEmail => { S => 'pending' },
        OutboxShard => { S => outbox_shard($nid) }, OutboxAt => { S => iso_ms($now - 5) } } });
    # quiet from an hour ago to an hour on (UTC: no zone)
    my ($from, $to) = map { POSIX::strftime('%H:%M', gmtime($now + $_)) } -3600, 3600;
    set_user($sub, QuietHours => { M => { Start => { S => $from }, End => { S => $to } } });
    my $r = once_ok('a drain inside them');
    is scalar(mails(to => $email)), 0, 'no mail';
    ok scalar(grep { $_->{event} eq 'quiet_hours' } @{ $r->{lines} }), 'logged: quiet_hours';
    my ($n) = notifs($sub);
    my $end = iso($now + 3600 - ($now + 3600) % 60);
    is $n->{OutboxAt}{S}, $end =~ s/Z$/.000Z/r, 'OutboxAt moved to their end';
    is $n->{DeliveryEmail}{S}, 'pending', 'still pending, nothing claimed';
    once_ok('a drain at their end', now => $end);
    is scalar(mails(to => $email)), 1, 'the mail then';
};

# a completion chain cut after its first write (the task completed with
# its outbox marker), finished by the scheduler
sub completed_task {
    my ($sub, $title) = @_;
    my $id = put_task(sub => $sub, title => $title, status => 'completed');
    my $at = iso_ms(time - 5);
    ddb_ok(UpdateItem => { TableName => $TABLE,
        Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$id" } },
        UpdateExpression => 'SET TaskCompletedAt = :at, OutboxShard = :sh, OutboxAt = :at',
        ExpressionAttributeValues => { ':at' => { S => $at }, ':sh' => { S => outbox_shard($id) } } });
    return $id;
}

subtest 'completions: email and SMS only when asked for' => sub {
    my %case = (
        'master on, completion off'  => [{ email => 1, sms => 1 }, 'none/none'],
        'completedEmail'             => [{ email => 1, sms => 1, completedEmail => 1 }, 'sent/none'],
        'completedSms'               => [{ email => 1, sms => 1, completedSms => 1 }, 'none/sent'],
        'completedEmail, master off' => [{ email => 0, sms => 1, completedEmail => 1 }, 'none/none'],
    );
    my %task;
    for my $name (sort keys %case) {
        my %p = %{ $case{$name}[0] };
        my $u = register_with_prefs(tag => 'done', phone => unique_phone(), email => $p{email}, sms => $p{sms},
            patch => { notificationPreferences => { map { $_ => $p{$_} ? JSON::PP::true() : JSON::PP::false() }
                                                    qw(completedEmail completedSms) } });
        $task{$name} = [$u->{sub}, completed_task($u->{sub}, "done: $name")];
    }
    once_ok('the drain finishes the chains');
    for my $name (sort keys %case) {
        my ($sub, $id) = @{ $task{$name} };
        my ($n) = notifs($sub, task => $id, type => 'task_completed');
        ok $n, "$name: the task_completed notification" or next;
        is join('/', map { $_ // 'none' } $n->{DeliveryEmail}{S}, $n->{DeliverySms}{S}), $case{$name}[1],
            "$name: email/SMS $case{$name}[1]";
    }
};

done_testing;
