#!/usr/bin/perl
# Delivery per the owner's preferences: email on / SMS off -> one mail in
# maildev (its REST API) and no SMS line; SMS on -> one line in the outbox
# file and no mail; a repeated pass sends nothing again; a missing user
# item still gets the in-app reminder; completing a task through the API
# (the user wants email and SMS for completions) -> the task_completed
# notification and its mail once the scheduler drained it.
use strict;
use warnings;
use Test::More;
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $t0 = time;
my $web = stack_env('TASKMGR_URL');

sub create {
    my ($u, $title, $due, $reminders) = @_;
    my $r = api(POST => '/api/tasks', { title => $title, dueDate => $due,
                                        ($reminders ? (reminders => $reminders) : ()) },
                { bearer => $u->{token} });
    die "POST /api/tasks: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task};
}

sub once_ok {
    my ($name, %o) = @_;
    my $r = run_once(%o);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    return $r;
}

subtest 'email on, SMS off' => sub {
    my $u = register_with_prefs(tag => 'mail', email => 1, sms => 0, phone => unique_phone(),
                                first_name => 'Grace', time_zone => 'Europe/Berlin');
    # Friday 17:00 in Berlin (CET), reminded that morning
    my $t = create($u, 'Write the report', '2031-03-14T16:00:00Z', [{ at => '2031-03-14T08:00:00Z' }]);
    once_ok('pass', now => '2031-03-14T08:00:00Z');
    my @m = mails(to => $u->{email});
    is scalar(@m), 1, 'one mail to the user' or return;
    my $m = $m[0];
    is $m->{subject}, 'Write the report is due today at 5:00 PM (Europe/Berlin)',
        'subject: the task and when, in the user\'s zone';
    like $m->{text}, qr/^Hello Grace,$/m, 'greets the user by first name';
    like $m->{text}, qr/^\QTask "Write the report" is due today at 5:00 PM (Europe\/Berlin).\E$/m,
        'body: the reminder, in the user\'s zone';
    like $m->{text}, qr/^Task:  Write the report$/m, 'body: the title';
    like $m->{text}, qr/^\QDue:   Friday, 14 March 2031 at 5:00 PM (Europe\/Berlin)\E$/m,
        'body: the due date, in the user\'s zone';
    like $m->{text}, qr{\Q$web/tasks?task=$t->{id}\E}, 'body: a link to the task';
    is $m->{from}[0]{address}, 'taskmgr@localhost', 'from mail_from';
    my ($n) = notifs($u->{sub}, task => $t->{id});
    like $m->{headers}{'message-id'} // '', qr/^<\Q${\ substr($n->{EntitySort}{S}, 6)}\E\.email@/,
        'Message-ID derived from the notification id and the channel';
    is $n->{DeliveryEmail}{S}, 'sent', 'DeliveryEmail sent';
    is $n->{DeliveryEmailAttempts}{N}, 1, 'after one attempt';
    ok !exists $n->{DeliverySms}, 'no SMS owed';
    ok !exists $n->{OutboxShard} && !exists $n->{OutboxAt}, 'outbox marker removed';
    is scalar(sms_lines(to => $u->{phone})), 0, 'no SMS line';
    once_ok('second pass', now => iso(time + 60));
    is scalar(mails(to => $u->{email})), 1, 'still one mail after a second pass';
};

subtest 'SMS on, email off' => sub {
    my $u = register_with_prefs(tag => 'sms', email => 0, sms => 1, phone => unique_phone());
    my $t = create($u, 'Call the plumber', '2031-03-15T11:00:00Z', [{ before => 'PT3H' }]);
    once_ok('pass', now => '2031-03-15T08:00:00Z');
    my @l = sms_lines(to => $u->{phone});
    is scalar(@l), 1, 'one SMS line to the phone number' or return;
    is $l[0]{text}, "taskmgr: Task \"Call the plumber\" is due today at 11:00 AM (UTC). $web/tasks?task=$t->{id}",
        'it names the task and when (no zone set: UTC), and links to it';
    my ($n) = notifs($u->{sub}, task => $t->{id});
    is $l[0]{key}, substr($n->{EntitySort}{S}, 6) . '.sms', 'idempotency key <id>.sms';
    is $n->{DeliverySms}{S}, 'sent', 'DeliverySms sent';
    is scalar(mails(to => $u->{email})), 0, 'no mail';
    once_ok('second pass', now => iso(time + 60));
    is scalar(sms_lines(to => $u->{phone})), 1, 'still one SMS line';
};

subtest 'SMS on without a phone number: no SMS owed' => sub {
    # the API refuses SMS without a phone number: an item from elsewhere.
    # No number is no verified number: no SMS is owed (tm_channels)
    my $sub = put_user(prefs => { sms => 1 });
    my $id = put_task(sub => $sub, title => 'No phone', due => iso($t0 + 3 * 3600));
    once_ok('pass');
    my ($n) = notifs($sub, task => $id);
    ok $n, 'the in-app reminder';
    ok !exists $n->{DeliverySms}, 'no SMS owed';
    ok !exists $n->{OutboxShard}, 'nothing owed: no marker';
};

subtest 'the user item is missing' => sub {
    my $sub = new_uuid();
    my $id = put_task(sub => $sub, title => 'orphan', due => iso($t0 + 5 * 3600));
    my $r = once_ok('pass');
    my @n = notifs($sub, task => $id, type => 'task_due');
    is scalar(@n), 1, 'the in-app reminder is written all the same';
    ok !exists $n[0]{DeliveryEmail}, 'no delivery owed';
    ok scalar(grep { $_->{event} eq 'user_missing' } @{ $r->{lines} }), 'logged: user_missing';
    is task_item($sub, $id)->{NotificationSent}{BOOL}, JSON::PP::true(), 'the task is marked';
};

subtest 'an outbox marker with nothing owed is removed' => sub {
    my $sub = put_user();
    my $nid = substr(new_uuid() =~ s/-//gr, 0, 32);
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "NOTIF_$nid" },
        Type => { S => 'task_due' }, TaskId => { S => new_uuid() }, TaskTitle => { S => 'x' },
        Message => { S => 'x' }, NotificationTimestamp => { S => iso_ms(time - 5) },
        Notif_isRead => { BOOL => JSON::PP::false() }, NotificationExpiry => { N => "" . (time + 86400) },
        OutboxShard => { S => outbox_shard($nid) }, OutboxAt => { S => iso_ms(time - 5) } } });
    once_ok('drain');
    my ($n) = notifs($sub);
    ok !exists $n->{OutboxShard} && !exists $n->{OutboxAt}, 'marker removed';
};

subtest 'a notification id that is not ours is never put in a header' => sub {
    my $email = 'badid-' . new_uuid() . '@example.com';
    my $sub = put_user(email => $email, prefs => { email => 1 });
    # 32 characters, as an id is, but not lower hex
    my $sk = "NOTIF_abc\r\nBcc: evil\@example.com" . ('0' x 6);
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => $sk },
        Type => { S => 'task_due' }, TaskId => { S => new_uuid() }, TaskTitle => { S => 'x' },
        Message => { S => 'x' }, NotificationTimestamp => { S => iso_ms(time - 5) },
        Notif_isRead => { BOOL => JSON::PP::false() }, NotificationExpiry => { N => "" . (time + 86400) },
        DeliveryEmail => { S => 'pending' },
        OutboxShard => { S => outbox_shard('abc') }, OutboxAt => { S => iso_ms(time - 5) } } });
    is length(substr($sk, 6)), 32, 'an id of the right length';
    my $r = once_ok('drain');
    is scalar(mails(to => $email)), 0, 'no mail';
    is scalar(mails(to => 'evil@example.com')), 0, 'none to the injected address';
    ok scalar(grep { $_->{event} eq 'malformed_item' && ($_->{sk} // '') eq $sk } @{ $r->{lines} }),
       'logged: malformed_item';
    my ($n) = grep { $_->{EntitySort}{S} eq $sk } notifs($sub);
    is $n->{DeliveryEmail}{S}, 'pending', 'nothing claimed or sent';
    ddb_ok(DeleteItem => { TableName => stack_env('TASKMGR_TABLE'),
                           Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => $sk } } });
};

subtest 'completion through the API: notification and mail' => sub {
    my $u = register_with_prefs(tag => 'done', email => 1, sms => 1, phone => unique_phone(),
        patch => { notificationPreferences => { completedEmail => JSON::PP::true(),
                                                completedSms => JSON::PP::true() } });
    my $t = create($u, 'Ship it', iso($t0 + 48 * 3600));
    my $r = api(PATCH => "/api/tasks/$t->{id}", { status => 'completed' }, { bearer => $u->{token} });
    is $r->{status}, 200, 'completed through the API' or diag $r->{raw};
    my @n = notifs($u->{sub}, task => $t->{id}, type => 'task_completed');
    is scalar(@n), 1, 'the module wrote the task_completed notification';
    is $n[0]{DeliveryEmail}{S}, 'pending', 'email pending';
    ok exists $n[0]{OutboxShard}, 'with an outbox marker';
    once_ok('drain');
    my @m = mails(to => $u->{email});
    is scalar(@m), 1, 'one mail' or return;
    like $m[0]{subject}, qr/Ship it/, 'about the task';
    like $m[0]{text}, qr/completed/, 'saying it was completed';
    is scalar(sms_lines(to => $u->{phone})), 1, 'one SMS line';
    @n = notifs($u->{sub}, task => $t->{id}, type => 'task_completed');
    is $n[0]{DeliveryEmail}{S}, 'sent', 'DeliveryEmail sent';
    is $n[0]{DeliverySms}{S}, 'sent', 'DeliverySms sent';
    ok !exists $n[0]{OutboxShard}, 'marker removed';
    is scalar(notifs($u->{sub}, task => $t->{id}, type => 'task_due')), 0,
        'no reminder for a completed task';
    once_ok('again', now => iso(time + 60));
    is scalar(mails(to => $u->{email})), 1, 'still one mail';
};

done_testing;
