#!/usr/bin/perl
# SMS only to verified numbers, and at most 20 a user's day:
#   - a due task's reminder is not texted to a number not verified (in-app
#     and email as ever); the code of POST /api/users/me/phone/verify goes
#     to it (the SMS outbox file), /confirm verifies it, and the next
#     reminder is texted;
#   - a completion notification written while the number was verified is
#     not texted once the number changed (checked again before the send);
#   - the 21st SMS of a day is not sent (its in-app and email are), the
#     user is told once that day (one sms_paused notification), and the
#     count starts again on the user's next day (their zone, not UTC's).
use strict;
use warnings;
use Test::More;
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $T = JSON::PP::true();

sub once_ok {
    my ($name, %o) = @_;
    my $r = run_once(%o);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    return $r;
}

sub due_sms { grep { ($_->{type} // '') eq 'task_due' } sms_lines(to => $_[0]) }

subtest 'a number not verified gets no reminder; verified, it does' => sub {
    my $phone = unique_phone();
    my $u = register_with_prefs(tag => 'unverified', email => 1, sms => 1,
                                phone => $phone, phone_verified => 0);
    my $r = api(GET => '/api/users/me', undef, { bearer => $u->{token} });
    is $r->{json}{user}{phoneVerified}, JSON::PP::false(), 'phoneVerified false';

    my $id = put_task(sub => $u->{sub}, title => 'Water the plants',
                      due => '2031-04-01T12:00:00Z', reminders => [{ at => '2031-04-01T09:00:00Z' }]);
    once_ok('pass', now => '2031-04-01T09:00:30Z');
    my ($n) = notifs($u->{sub}, task => $id, type => 'task_due');
    ok $n, 'the in-app reminder';
    ok !exists $n->{DeliverySms}, 'no SMS owed';
    is $n->{DeliveryEmail}{S}, 'sent', 'the email sent';
    is scalar(sms_lines(to => $phone)), 0, 'no SMS line to the number';

    $r = api(POST => '/api/users/me/phone/verify', undef, { bearer => $u->{token} });
    is $r->{status}, 202, 'a code asked for' or diag $r->{raw};
    once_ok('the code sent', now => '2031-04-01T09:01:00Z');
    my @l = sms_lines(to => $phone);
    is scalar(@l), 1, 'one SMS: the code' or return;
    is $l[0]{type}, 'phone_code', 'of type phone_code';
    my ($code) = $l[0]{text} =~ /code is (\d{6})/;
    ok $code, 'with its code';
    once_ok('another pass', now => '2031-04-01T09:01:30Z');
    is scalar(sms_lines(to => $phone)), 1, 'the code is sent once';

    $r = api(POST => '/api/users/me/phone/confirm', { code => "$code" }, { bearer => $u->{token} });
    is $r->{status}, 200, 'confirmed' or diag $r->{raw};
    is $r->{json}{user}{phoneVerified}, $T, 'phoneVerified true';

    my $id2 = put_task(sub => $u->{sub}, title => 'Feed the cat',
                       due => '2031-04-01T12:00:00Z', reminders => [{ at => '2031-04-01T10:00:00Z' }]);
    once_ok('pass', now => '2031-04-01T10:00:30Z');
    @l = due_sms($phone);
    is scalar(@l), 1, 'the reminder is texted now';
    like $l[0]{text} // '', qr/Feed the cat/, 'the new task';
};

subtest 'verified when written, changed before the send: not sent' => sub {
    my $phone = unique_phone();
    my $u = register_with_prefs(tag => 'changed', email => 0, sms => 1, phone => $phone,
        patch => { notificationPreferences => { completedSms => $T } });
    my $r = api(POST => '/api/tasks', { title => 'File the taxes' }, { bearer => $u->{token} });
    is $r->{status}, 201, 'a task' or diag $r->{raw};
    my $tid = $r->{json}{task}{id};
    $r = api(PATCH => "/api/tasks/$tid", { status => 'completed' }, { bearer => $u->{token} });
    is $r->{status}, 200, 'completed';
    my ($n) = notifs($u->{sub}, task => $tid, type => 'task_completed');
    is $n->{DeliverySms}{S}, 'pending', 'an SMS owed (the number was verified)';

    my $other = unique_phone();
    $r = api(PATCH => '/api/users/me', { phoneNumber => $other }, { bearer => $u->{token} });
    is $r->{json}{user}{phoneVerified}, JSON::PP::false(), 'a new number, not verified';
    once_ok('drain');
    ($n) = notifs($u->{sub}, task => $tid, type => 'task_completed');
    is $n->{DeliverySms}{S}, 'failed', 'the SMS failed for good';
    like $n->{DeliverySmsError}{S} // '', qr/not verified/, 'the reason';
    ok !exists $n->{OutboxShard}, 'nothing owed';
    is scalar(sms_lines(to => $other)) + scalar(sms_lines(to => $phone)), 0, 'no SMS to either number';
};

subtest 'at most 20 SMS a day, the user told once; the next day in their zone' => sub {
    my $phone = unique_phone();
    my $email = unique_email('cap');
    # 23:00 on 14 March in New York is already the 15th in UTC
    my $sub = put_user(email => $email, phone => $phone, time_zone => 'America/New_York',
                       prefs => { email => 1, sms => 1 });
    clear_mails();
    my @ids = put_tasks([ map { { sub => $sub, title => "capped $_", due => '2031-03-15T12:00:00Z',
                                  reminders => [{ at => '2031-03-15T03:00:00Z' }] } } 1 .. 21 ]);
    once_ok('21 reminders due', now => '2031-03-15T03:00:30Z');

    my @l = due_sms($phone);
    is scalar(@l), 20, '20 SMS sent';
    my @due = notifs($sub, type => 'task_due');
    is scalar(@due), 21, '21 in-app reminders';
    is scalar(grep { ($_->{DeliveryEmail}{S} // '') eq 'sent' } @due), 21, '21 emails sent';
    my @held = grep { ($_->{DeliverySms}{S} // '') eq 'failed' } @due;
    is scalar(@held), 1, 'one SMS not sent';
    like $held[0]{DeliverySmsError}{S} // '', qr/20 SMS sent today/, 'the reason';
    my @paused = notifs($sub, type => 'sms_paused');
    is scalar(@paused), 1, 'the user is told: one sms_paused notification';
    like $paused[0]{Message}{S} // '', qr/texts start again tomorrow/, 'saying so';
    my $day = ddb_ok(GetItem => { TableName => stack_env('TASKMGR_TABLE'), ConsistentRead => $T,
        Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'SMSDAY_2031-03-14' } } })->{Item};
    is scalar(@{ $day->{SmsSent}{SS} || [] }), 20, 'counted on the user\'s day (14 March in New York): 20';

    # the same local day: more reminders, no SMS, no second notice
    put_tasks([ map { { sub => $sub, title => "more $_", due => '2031-03-15T12:00:00Z',
                        reminders => [{ at => '2031-03-15T03:30:00Z' }] } } 1 .. 2 ]);
    once_ok('2 more that day', now => '2031-03-15T03:30:30Z');
    is scalar(due_sms($phone)), 20, 'still 20 SMS';
    is scalar(notifs($sub, type => 'sms_paused')), 1, 'still one notice';

    # 01:00 on the 15th in New York (the same UTC day): a new day
    put_task(sub => $sub, title => 'next day', due => '2031-03-15T12:00:00Z',
             reminders => [{ at => '2031-03-15T05:00:00Z' }]);
    once_ok('the next local day', now => '2031-03-15T05:00:30Z');
    is scalar(due_sms($phone)), 21, 'texted again on the user\'s next day';
};

done_testing;
