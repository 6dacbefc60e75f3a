#!/usr/bin/perl
# The scheduler survives what goes wrong: DynamoDB down (it logs, retries
# with backoff, does not exit, marks nothing; when DynamoDB is back it does
# the work), the SMTP relay down (the delivery is recorded failed with a
# next attempt, never sent, then sent when the relay is back), malformed
# items (logged, skipped), SIGHUP (reload; a bad conf keeps the old one),
# SIGTERM (exit 0).
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $t0 = time;
my $ddb_port = stack_env('TASKMGR_DDB_PORT');

sub wait_for {
    my ($secs, $cond) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (Time::HiRes::time() < $deadline) {
        return 1 if $cond->();
        Time::HiRes::sleep(0.2);
    }
    return $cond->();
}

sub events { my ($lines, $e) = @_; grep { $_->{event} eq $e } @$lines }

subtest '--once with DynamoDB down: exit 1, logged, nothing marked' => sub {
    my $sub = put_user();
    my $id = put_task(sub => $sub, due => iso($t0 + 3600));
    my $conf = conf_with(dynamodb_endpoint => 'http://127.0.0.1:' . free_port());
    my $r = run_once(conf => $conf);
    is $r->{rc}, 1, 'exit 1: the pass could not be done' or diag $r->{err};
    my @e = events($r->{lines}, 'ddb_error');
    ok @e, 'ddb_error logged' or diag $r->{err};
    is $e[0]{retryable}, JSON::PP::true(), 'as retryable';
    is $e[0]{tries}, 3, 'after 3 tries';
    ok events($r->{lines}, 'due_pass_incomplete'), 'due_pass_incomplete logged';
    ok exists task_item($sub, $id)->{ReminderKey}, 'the task still awaits its reminder';
    is notif_count($sub), 0, 'no notification';
};

subtest 'daemon with DynamoDB down, then back' => sub {
    my $sub = put_user();
    my $id = put_task(sub => $sub, title => 'while down', due => iso($t0 + 2 * 3600));
    my $port = free_port();
    my $conf = conf_with(dynamodb_endpoint => "http://127.0.0.1:$port", drain_interval => '1s');
    my $d = start_daemon(conf => $conf);
    Time::HiRes::sleep(5);
    ok kill(0, $d->{pid}), 'still running after 5 s of DynamoDB down';
    my @l = daemon_lines($d);
    ok scalar(events(\@l, 'ddb_error')) >= 2, 'errors logged, tried again' or diag explain \@l;
    is notif_count($sub), 0, 'nothing written';
    ok exists task_item($sub, $id)->{ReminderKey}, 'nothing marked';

    my $proxy = start_proxy($port, $ddb_port);
    ok wait_for(40, sub { notif_count($sub) == 1 }), 'DynamoDB back: the task is reminded';
    ok wait_for(5, sub { !exists task_item($sub, $id)->{ReminderKey} }), 'and marked';
    my $st = stop_daemon($d, 'TERM');
    is $st, 0, 'SIGTERM: exit 0';
    @l = daemon_lines($d);
    ok events(\@l, 'exit'), 'logged its exit';
    ok events(\@l, 'due_pass'), 'a complete pass logged';
    stop_pid($proxy);
};

subtest 'SMTP down: failed with a next attempt, sent when back' => sub {
    my $email = 'smtp-down-' . new_uuid() . '@example.com';
    my $sub = put_user(email => $email, prefs => { email => 1 });
    my $id = put_task(sub => $sub, title => 'mail later', due => iso($t0 + 3 * 3600));
    my $down = conf_with(smtp_url => 'smtp://127.0.0.1:' . free_port());
    my $r = run_once(conf => $down);
    is $r->{rc}, 0, 'exit 0: a delivery failure is not a failed pass' or diag $r->{err};
    ok events($r->{lines}, 'delivery_failed'), 'delivery_failed logged';
    my ($n) = notifs($sub, task => $id);
    is $n->{DeliveryEmail}{S}, 'failed', 'DeliveryEmail failed (not sent)';
    is $n->{DeliveryEmailAttempts}{N}, 1, 'one attempt';
    ok length($n->{DeliveryEmailError}{S} // ''), 'the error recorded';
    my $next = $n->{DeliveryEmailNextAt}{S} // '';
    ok $next gt iso_ms(time + 20), 'next attempt about retry_min (30 s) later' or diag $next;
    is $n->{OutboxAt}{S}, $next, 'the outbox marker waits until then';
    ok exists $n->{OutboxShard}, 'still in the outbox';
    is scalar(mails(to => $email)), 0, 'no mail';

    $r = run_once(conf => $down);
    ($n) = notifs($sub, task => $id);
    is $n->{DeliveryEmailAttempts}{N}, 1, 'not tried again before its time';

    $r = run_once(conf => $down, now => iso(time + 45));
    ($n) = notifs($sub, task => $id);
    is $n->{DeliveryEmailAttempts}{N}, 2, 'tried again when due (still down)';
    is $n->{DeliveryEmail}{S}, 'failed', 'failed again';
    ok(($n->{DeliveryEmailNextAt}{S} // '') gt iso_ms(time + 45 + 50), 'backoff doubled (60 s)')
        or diag $n->{DeliveryEmailNextAt}{S};

    $r = run_once(now => iso(time + 300));
    is $r->{rc}, 0, 'relay back: exit 0';
    ($n) = notifs($sub, task => $id);
    is $n->{DeliveryEmail}{S}, 'sent', 'sent';
    is $n->{DeliveryEmailAttempts}{N}, 3, 'at the third attempt';
    ok !exists $n->{DeliveryEmailNextAt} && !exists $n->{DeliveryEmailError}, 'retry state cleared';
    ok !exists $n->{OutboxShard}, 'out of the outbox';
    is scalar(mails(to => $email)), 1, 'one mail';
};

subtest 'malformed items are logged and skipped' => sub {
    my $sub = put_user();
    my $good = put_task(sub => $sub, title => 'good', due => iso($t0 + 4 * 3600));
    # in the index, but no Title; and one whose id is not a UUID
    my $bad = new_uuid();
    my $due = iso($t0 + 4 * 3600);
    my $at = iso($t0);
    my $rs = { L => [{ M => { Id => { S => 'abcdefabcdef' }, At => { S => $at }, FireAt => { S => $at },
                              State => { S => 'pending' } } }] };
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$bad" },
        Status => { S => 'pending' }, DueDate => { S => $due }, Reminders => $rs, Version => { N => '1' },
        ReminderKey => { S => reminder_key($at, $bad) }, ReminderAt => { S => $at } } });
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'TASK_not-a-uuid' },
        Title => { S => 'x' }, Status => { S => 'pending' }, DueDate => { S => $due }, Reminders => $rs,
        ReminderKey => { S => reminder_key($at, 'not-a-uuid') }, ReminderAt => { S => $at } } });
    # a task whose reminders are not a list of reminders
    my $junk = new_uuid();
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$junk" },
        Title => { S => 'junk reminders' }, Status => { S => 'pending' }, Reminders => { L => [{ S => 'x' }] },
        ReminderKey => { S => reminder_key($at, $junk) }, ReminderAt => { S => $at } } });
    # an outbox item that is neither task nor notification, and a
    # notification without a Type
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'JUNK_1' },
        OutboxShard => { S => 'OUTBOX#0' }, OutboxAt => { S => iso_ms($t0 - 5) } } });
    ddb_ok(PutItem => { TableName => stack_env('TASKMGR_TABLE'), Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'NOTIF_' . ('ab' x 16) },
        DeliveryEmail => { S => 'pending' },
        OutboxShard => { S => 'OUTBOX#1' }, OutboxAt => { S => iso_ms($t0 - 5) } } });

    my $r = run_once();
    is $r->{rc}, 0, 'exit 0' or diag $r->{err};
    my @m = events($r->{lines}, 'malformed_item');
    my %sk = map { ($_->{sk} // '') => 1 } @m;
    ok $sk{"TASK_$bad"}, 'the task without a title: logged';
    ok $sk{'TASK_not-a-uuid'}, 'the task with a bad id: logged';
    ok $sk{"TASK_$junk"}, 'the task with junk reminders: logged';
    ok $sk{'JUNK_1'}, 'the junk outbox item: logged';
    ok $sk{'NOTIF_' . ('ab' x 16)}, 'the notification without a type: logged';
    is scalar(notifs($sub, task => $good, type => 'task_due')), 1, 'the good task beside them is reminded';
    is scalar(notifs($sub, task => $bad)), 0, 'nothing for the malformed one';
    ok exists task_item($sub, $bad)->{ReminderKey}, 'which is left as it was';
    # clean up: the index and outbox are shared with the other tests
    for my $sk ("TASK_$bad", 'TASK_not-a-uuid', "TASK_$junk", 'JUNK_1', 'NOTIF_' . ('ab' x 16)) {
        ddb_ok(DeleteItem => { TableName => stack_env('TASKMGR_TABLE'),
            Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => $sk } } });
    }
};

subtest 'SIGHUP reloads the conf; a bad one is refused; SIGTERM exits 0' => sub {
    my $conf = conf_with(drain_interval => '1s');
    my $d = start_daemon(conf => $conf);
    ok wait_for(10, sub { events([daemon_lines($d)], 'due_pass') }), 'first pass done';

    open my $fh, '>>', $conf or die;
    print $fh "log_level = debug\n";
    close $fh;
    kill 'HUP', $d->{pid};
    ok wait_for(10, sub { events([daemon_lines($d)], 'reloaded') }), 'SIGHUP: reloaded';

    open $fh, '>>', $conf or die;
    print $fh "no_such_key = 1\n";
    close $fh;
    kill 'HUP', $d->{pid};
    ok wait_for(10, sub { events([daemon_lines($d)], 'reload_failed') }), 'a bad conf: reload_failed';
    Time::HiRes::sleep(1.5);
    ok kill(0, $d->{pid}), 'and it runs on with the old one';
    is stop_daemon($d, 'TERM'), 0, 'SIGTERM: exit 0';
};

subtest 'bad arguments and conf: exit 2' => sub {
    my $r = run_once(conf => '/nonexistent/scheduler.conf');
    is $r->{rc}, 2, 'a missing conf: exit 2';
    ok events($r->{lines}, 'conf_error'), 'logged as conf_error';
    $r = run_once(now => 'yesterday');
    is $r->{rc}, 2, '--now not RFC 3339: exit 2';
    $r = run_once(conf => conf_with(shards => 'many'));
    is $r->{rc}, 2, 'shards not a number: exit 2';
    # a send could outlast its lease: another scheduler would send again
    $r = run_once(conf => conf_with(send_lease => '20s', http_timeout => '10s'));
    is $r->{rc}, 2, 'send_lease not more than twice http_timeout: exit 2';
    like +(events($r->{lines}, 'conf_error'))[0]{error} // '', qr/send_lease/, 'said why';
    $r = run_once(conf => conf_with(send_lease => '21s', http_timeout => '10s'));
    is $r->{rc}, 0, 'more than twice: runs' or diag $r->{err};
};

done_testing;
